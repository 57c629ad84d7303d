import { waitFor } from "@odoo/hoot-dom";
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * The whole sales process, from a trade-show lead to a down payment invoice.
 * Selectors name fields, buttons and records, never translated labels: the
 * same tour runs in French and in English (see test_tour_full_process.py).
 */
registry.category("web_tour.tours").add("psi_sale_full_process", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open CRM",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "Open the leads",
            trigger: ".o_main_navbar [data-menu-xmlid='crm.crm_menu_leads']",
            run: "click",
        },
        {
            content: "New lead",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            content: "Lead title",
            trigger: ".o_form_view .o_field_widget[name=name] textarea",
            run: "edit Salon Solutions RH : refonte SI",
        },
        {
            content: "Company met at the trade show",
            trigger: ".o_field_widget[name=partner_name] input",
            run: "edit Tour Industrie",
        },
        {
            content: "Contact person",
            trigger: ".o_field_widget[name=contact_name] input",
            run: "edit Marie Tour",
        },
        {
            content: "Contact email",
            trigger: ".o_field_widget[name=email_from] input",
            run: "edit marie.tour@example.com",
        },
        {
            content: "Origin: the trade show",
            trigger: ".o_field_widget[name=source_id] input",
            run: "edit Salon professionnel",
        },
        {
            trigger:
                ".o_field_widget[name=source_id] .o-autocomplete--dropdown-item:contains(Salon professionnel)",
            run: "click",
        },
        {
            content: "First offer category",
            trigger: ".o_field_widget[name=offer_category_ids] input",
            run: "edit Tour Conseil",
        },
        {
            trigger:
                ".o_field_widget[name=offer_category_ids] .o-autocomplete--dropdown-item:contains(Tour Conseil)",
            run: "click",
        },
        {
            content: "Second offer category",
            trigger:
                ".o_field_widget[name=offer_category_ids]:has(.o_tag:contains(Tour Conseil)) input",
            run: "edit Tour Audit",
        },
        {
            trigger:
                ".o_field_widget[name=offer_category_ids] .o-autocomplete--dropdown-item:contains(Tour Audit)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=offer_category_ids] .o_tag:contains(Tour Audit)",
        },
        ...stepUtils.saveForm(),
        {
            content: "Convert the lead to an opportunity",
            trigger: ".o_statusbar_buttons button[data-hotkey=v]",
            run: "click",
        },
        {
            content: "Convert, creating the customer",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "The opportunity opens",
            trigger: ".o_form_saved button[name=action_sale_quotations_new]",
        },
        {
            content: "Expected revenue, required by the Proposition stage",
            trigger: ".o_field_widget[name=expected_revenue] input",
            run: "edit 4000",
        },
        {
            content: "Move the opportunity to the Proposition stage",
            trigger: ".o_statusbar_status button[data-value]",
            async run(helpers) {
                const [, stageId] = await rpc(
                    "/web/dataset/call_kw/ir.model.data/check_object_reference",
                    {
                        model: "ir.model.data",
                        method: "check_object_reference",
                        args: ["crm", "stage_lead3"],
                        kwargs: {},
                    }
                );
                const stage = `.o_statusbar_status button[data-value='${stageId}']`;
                await helpers.click(stage);
                await waitFor(`.o_form_saved ${stage}[aria-checked=true]`, {
                    timeout: 10000,
                });
            },
        },
        {
            content: "New quotation from the opportunity",
            trigger: ".o_form_saved button[name=action_sale_quotations_new]",
            run: "click",
        },
        {
            content: "The offers of both categories are on the quotation",
            trigger:
                ".o_field_widget[name=order_line] .o_data_row:contains(Tour Conseil jour)",
        },
        {
            trigger: ".o_field_widget[name=order_line] .o_data_row:contains(Tour Formation jour)",
        },
        {
            trigger: ".o_field_widget[name=order_line] .o_data_row:contains(Tour Audit forfait)",
        },
        ...stepUtils.saveForm(),
        {
            content: "Send the quotation by email",
            trigger: ".o_statusbar_buttons button[name=action_quotation_send]",
            run: "click",
        },
        {
            content: "Send the email with the order form",
            trigger: ".modal .o_mail_send",
            run: "click",
        },
        {
            content: "Confirm the order",
            trigger: ".o_statusbar_buttons button#action_confirm",
            run: "click",
        },
        {
            content: "Open the tracking cockpit of the confirmed order",
            trigger: ".o_notebook_headers a[name=psi_tracking]",
            run: "click",
        },
        {
            content: "The cockpit lists the three lines",
            trigger: ".o_field_widget[name=tracking_line_ids] .o_data_row:eq(2)",
        },
        {
            content: "Create an invoice",
            trigger: ".o_statusbar_buttons button[id^=create_invoice]",
            run: "click",
        },
        {
            content: "A down payment in percentage",
            trigger: ".modal .o_field_widget[name=invoice_mode] input[data-value=percentage]",
            run: "click",
        },
        {
            content: "30 % of the order",
            trigger: ".modal .o_field_widget[name=amount] input",
            run: "edit 30",
        },
        {
            content: "Create the draft invoice",
            trigger: ".modal button[name=create_invoices]",
            run: "click",
        },
        {
            content: "The down payment invoice opens",
            trigger: ".o_statusbar_buttons button[name=action_post]",
        },
        {
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row",
        },
    ],
});
