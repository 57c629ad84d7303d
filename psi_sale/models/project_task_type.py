from odoo import models

ORDER_STAGES = (
    "psi_sale.project_task_type_todo",
    "psi_sale.project_task_type_in_progress",
    "psi_sale.project_task_type_done",
    "psi_sale.project_task_type_cancelled",
)


class ProjectTaskType(models.Model):
    _inherit = "project.task.type"

    def _get_order_stages(self):
        """The shared stages of the projects created by orders, those left."""
        xmlid_to_id = self.env["ir.model.data"]._xmlid_to_res_id  # cached: no query
        return self.browse(
            stage_id for stage_id in map(xmlid_to_id, ORDER_STAGES) if stage_id
        )

    def _get_order_cancelled_stage(self):
        return self.browse(self.env["ir.model.data"]._xmlid_to_res_id(ORDER_STAGES[-1]))
