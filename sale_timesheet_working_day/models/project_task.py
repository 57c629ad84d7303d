from odoo import api, fields, models


class ProjectTask(models.Model):
    _inherit = "project.task"

    allocated_days = fields.Float(
        compute="_compute_allocated_days",
        compute_sudo=True,  # shown on the task to project users without sales rights
        help="The allocated hours in days of the order's (else the company's) "
        "hours per day.",
    )

    @api.depends(
        "allocated_hours",
        "sale_line_id.order_id.hours_per_day",
        "company_id.timesheet_hours_per_day",
    )
    def _compute_allocated_days(self):
        for task in self:
            hours_per_day = (
                task.sale_line_id.order_id.hours_per_day
                or (task.company_id or self.env.company)._get_hours_per_day()
            )
            task.allocated_days = task.allocated_hours / hours_per_day
