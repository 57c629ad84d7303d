from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmTag(models.Model):
    """A tag can be an offer category: it lists the offers sold under it."""

    _inherit = "crm.tag"

    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the tag with every company.",
    )
    is_offer_category = fields.Boolean(
        string="Offer Category",
        help="Salespeople pick offer categories on leads and opportunities; "
        "their offers pre-fill the quotation.",
    )
    offer_product_ids = fields.Many2many(
        "product.product",
        "crm_tag_offer_product_rel",
        "tag_id",
        "product_id",
        string="Offers",
        domain="[('sale_ok', '=', True),"
        " ('company_id', 'in', [company_id or False, False])]",
        help="Saleable products offered in this category, of the tag's "
        "company or shared.",
    )

    @api.constrains("company_id", "offer_product_ids")
    def _check_offer_product_ids(self):
        for tag in self:
            wrong = tag.with_context(active_test=False).offer_product_ids.filtered(
                lambda product, tag=tag: (
                    not (product.sale_ok and product.active)
                    or (product.company_id and product.company_id != tag.company_id)
                )
            )
            if wrong:
                raise ValidationError(
                    self.env._(
                        "The offers of category %(tag)s must be active products "
                        "that can be sold, shared or of its company: %(products)s.",
                        tag=tag.display_name,
                        products=", ".join(wrong.mapped("display_name")),
                    )
                )

    def write(self, vals):
        """Making a tag an offer category is checked against the access rules
        afterwards too (they are checked on the tags as they were)."""
        result = super().write(vals)
        if vals.get("is_offer_category"):
            self.check_access("write")
        return result
