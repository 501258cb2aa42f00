import { registry } from "@web/core/registry";

// A collector's day, in Chinese (issue 11 item 10): he lands on his collection tasks, marks
// the call to a lessee done with its outcome (the collection record), and the task leaves
// his queue.
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
    ],
});
