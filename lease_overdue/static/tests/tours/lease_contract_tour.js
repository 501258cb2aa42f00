import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// A business user enters a contract, generates its rent schedule and activates it (SPEC C1, C2).
registry.category("web_tour.tours").add("lease_contract_tour", {
    steps: () => [
        {
            content: "New contract",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Choose the lessee",
            trigger: ".o_field_widget[name='partner_id'] input",
            run: "edit 巡检承租人",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('巡检承租人')",
            run: "click",
        },
        {
            content: "Financed amount",
            trigger: ".o_field_widget[name='financed_amount'] input",
            run: "edit 240000",
        },
        {
            content: "Number of installments",
            trigger: ".o_field_widget[name='term_count'] input",
            run: "edit 24",
        },
        ...stepUtils.saveForm(),
        {
            content: "Generate the rent schedule",
            trigger: "button[name='action_generate_schedule']",
            run: "click",
        },
        {
            content: "24 installments are listed",
            trigger: ".o_field_widget[name='installment_ids'] .o_data_row:nth-child(24)",
        },
        {
            content: "Activate",
            trigger: "button[name='action_activate']",
            run: "click",
        },
        {
            content: "The contract is active",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value='active']",
        },
    ],
});
