import { registry } from "@web/core/registry";

// A collector's day, in Chinese (issue 11 item 10): he lands on his collection tasks, marks
// the call to a lessee done with its outcome (the collection record), and the task leaves
// his queue; then he records the lessee's promise to pay on the case.
registry.category("web_tour.tours").add("lease_collector_day_tour", {
    steps: () => [
        {
            content: "Landed on his own tasks",
            trigger: ".o_breadcrumb .active:contains('我的')",
        },
        {
            content: "The call to the lessee is in his queue",
            trigger: ".o_data_row:contains('巡游承租人有限公司'):contains('电话')",
        },
        {
            content: "Done: the call asks for its outcome",
            trigger: ".o_data_row:contains('巡游承租人有限公司') button[name='action_lease_open_done_wizard']",
            run: "click",
        },
        {
            content: "The outcome",
            trigger: ".modal .o_field_widget[name='feedback'] textarea",
            run: "edit 联系上财务经理，承诺本周五付清",
        },
        {
            content: "Whom he reached",
            trigger: ".modal .o_field_widget[name='contact_name'] input",
            run: "edit 财务经理 王先生",
        },
        {
            content: "The next step",
            trigger: ".modal .o_field_widget[name='next_step'] textarea",
            run: "edit 周五核对到账",
        },
        {
            content: "Mark it done",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The call has left his queue",
            trigger: ".o_action_manager:not(:has(.modal)):not(:has(.o_data_row:contains('巡游承租人有限公司')))",
        },
        // The lessee promised to pay on Friday: the collector records the promise on the
        // case (SPEC E15); the daily check will keep or break it.
        {
            content: "Open his collection cases",
            trigger: ".o_action_manager:not(:has(.modal))",
            run: "goToUrl /odoo/action-lease_overdue.lease_collection_case_action",
            expectUnloadPage: true,
        },
        {
            content: "The lessee's case",
            trigger: ".o_data_row:contains('巡游承租人有限公司') td.o_data_cell",
            run: "click",
        },
        {
            content: "Record a promise to pay",
            trigger: ".o_form_view button[name='action_new_promise']:contains('承诺还款')",
            run: "click",
        },
        {
            content: "The promise form reads Chinese",
            trigger: ".modal .modal-title:contains('承诺还款')",
        },
        {
            content: "The promised payment date: in three days",
            trigger: ".modal .o_field_widget[name='date_promised'] input",
            run: "edit +3d",
        },
        {
            content: "The promised amount",
            trigger: ".modal .o_field_widget[name='amount'] input",
            run: "edit 5000",
        },
        {
            content: "Its labels are Chinese",
            trigger: ".modal label:contains('承诺还款日期'), .modal label:contains('承诺还款金额')",
        },
        {
            content: "Save the promise",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The case shows the promise",
            trigger: ".o_action_manager:not(:has(.modal)) .o_form_view button[name='action_view_promises']:contains('承诺还款'):contains('1')",
        },
    ],
});
