import {registry} from "@web/core/registry";
import {redirect} from "@web/core/utils/urls";

// The customer opens the quotation link, signs, and follows the confirmed
// order. Started by the Python test on the quotation's portal URL.
registry.category("web_tour.tours").add("psi_sale_portal_sign_and_follow", {
    steps: () => [
        {
            content: "the quotation shows its offer category section and days",
            trigger: "#sales_order_table tr.o_line_section:contains(Conseil)",
        },
        {
            content: "no tracking before the signature",
            trigger: "#quote_content:not(:has(#psi_tracking))",
        },
        {
            content: "open the signature dialog",
            trigger: "#sale_order_sidebar_button a[data-bs-target='#modalaccept']",
            run: "click",
        },
        {
            content: "the signer types their name, which draws the signature",
            trigger: ".modal .o_web_sign_name_input",
            run: "edit Sophie Durand",
        },
        {
            content: "sign",
            trigger: ".o_portal_sign_submit:enabled",
            run: "click",
        },
        {
            content: "the order is confirmed",
            trigger: "#quote_content .alert-success",
        },
        {
            content: "with its tracking section, a line per service",
            trigger: "#psi_tracking #psi_tracking_lines tbody tr:contains(Jour de conseil)",
        },
        {
            content: "and its progress bar",
            trigger: "#psi_tracking .progress",
            run: () => redirect("/my"), // avoid a race at the end of the tour
        },
        {
            trigger: ".o_portal_my_home",
        },
    ],
});
