from odoo import fields, models
from odoo.tools import float_is_zero

from odoo.addons.project.models.project_task import CLOSED_STATES


class ProjectTask(models.Model):
    _inherit = "project.task"

    sale_qty_ordered = fields.Float(
        related="sale_line_id.product_uom_qty",
        string="Ordered Quantity",
        digits="Product Unit of Measure",
    )
    sale_qty_delivered = fields.Float(
        related="sale_line_id.qty_delivered",
        string="Delivered Quantity",
        digits="Product Unit of Measure",
    )
    sale_uom_id = fields.Many2one(
        related="sale_line_id.product_uom", string="Unit of the Order Line"
    )
    sale_cancel_stage_id = fields.Many2one(
        "project.task.type",
        string="Stage Before the Order's Cancellation",
        copy=False,
        readonly=True,
        # read when orders are cancelled or confirmed again only: not in each
        # fetch of tasks (stock fetches them one by one as timesheets are logged)
        prefetch=False,
        help="Set while the task is cancelled with its sales order: the stage it "
        "goes back to when the order is confirmed again.",
    )

    def _filter_time_logged(self):
        """These tasks with time logged on them or on their sub-tasks."""
        # whoever may change the order may know whether its tasks were worked on
        logged = self.sudo().filtered(
            lambda task: not float_is_zero(task.total_hours_spent, precision_digits=2)
        )
        return self.browse(logged.ids)

    def _cancel_with_order(self):
        """Cancel these open tasks of a cancelled order, if no time was logged
        on them, and remember their stage to restore them on re-confirmation.
        Tasks with time are left as they are (their work remains to invoice)."""
        tasks = self.filtered(lambda task: task.state not in CLOSED_STATES)
        tasks -= tasks._filter_time_logged()
        cancelled = self.env["project.task.type"]._get_order_cancelled_stage()
        for stage, stage_tasks in tasks.grouped("stage_id").items():
            # the cancelled stage marks the tasks that had no stage
            values = {
                "state": "1_canceled",
                "sale_cancel_stage_id": (stage or cancelled).id,
            }
            in_project = stage_tasks.filtered(
                lambda task: cancelled in task.project_id.type_ids
            )
            if in_project:
                in_project.write(dict(values, stage_id=cancelled.id))
            if stage_tasks - in_project:
                (stage_tasks - in_project).write(values)
        return tasks

    def _restore_with_order(self):
        """Reopen the tasks cancelled with their order, in their former stage."""
        tasks = self.filtered(
            lambda task: task.sale_cancel_stage_id and task.state == "1_canceled"
        )
        cancelled = self.env["project.task.type"]._get_order_cancelled_stage()
        values = {"state": "01_in_progress", "sale_cancel_stage_id": False}
        for stage, stage_tasks in tasks.grouped("sale_cancel_stage_id").items():
            in_project = stage_tasks.filtered(
                lambda task, stage=stage: (
                    stage != cancelled and stage in task.project_id.type_ids
                )
            )
            if in_project:
                in_project.write(dict(values, stage_id=stage.id))
            if stage_tasks - in_project:
                (stage_tasks - in_project).write(values)
        return tasks
