from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmStage(models.Model):
    """A company's own lifecycle: stages of a company, their probability and
    the fields an opportunity needs to enter them."""

    _inherit = "crm.stage"

    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the stage with every company.",
    )
    set_probability = fields.Boolean(
        help="Entering this stage sets the opportunity's probability to the "
        "default probability; the salesperson may change it afterwards.",
    )
    default_probability = fields.Float(
        help="Probability (0 to 100) given to opportunities entering this stage.",
    )
    required_field_ids = fields.Many2many(
        "ir.model.fields",
        "crm_stage_required_field_rel",
        "stage_id",
        "field_id",
        string="Required Fields",
        domain="[('model', '=', 'crm.lead'), ('store', '=', True),"
        " ('name', 'not in', ['id', 'stage_id', 'create_uid', 'write_uid',"
        " 'create_date', 'write_date'])]",
        help="Fields of the opportunity that must be filled to enter this stage.",
    )
    stage_rules_active = fields.Boolean(
        compute="_compute_stage_rules_active",
        help="The stage's company (or the current one, for a shared stage) "
        "applies the default probability and the required fields.",
    )

    @api.depends("company_id.crm_stage_rules")
    @api.depends_context("company")
    def _compute_stage_rules_active(self):
        for stage in self:
            stage.stage_rules_active = (
                stage.company_id or self.env.company
            ).crm_stage_rules

    @api.constrains("set_probability", "default_probability")
    def _check_default_probability(self):
        for stage in self:
            if not 0 <= stage.default_probability <= 100:
                raise ValidationError(
                    self.env._(
                        "The default probability of stage %(stage)s must be "
                        "between 0 and 100.",
                        stage=stage.display_name,
                    )
                )

    @api.constrains("required_field_ids")
    def _check_required_field_ids(self):
        for stage in self:
            if any(field.model != "crm.lead" for field in stage.required_field_ids):
                raise ValidationError(
                    self.env._(
                        "The required fields of stage %(stage)s must be fields "
                        "of leads and opportunities.",
                        stage=stage.display_name,
                    )
                )
