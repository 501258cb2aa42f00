import { registry } from "@web/core/registry";

// The general manager reads the KPI dashboard and the weekly report, in Chinese
// (issue 11 item 10): the dashboard's title, trend and tiers, then the reports menu, a
// weekly report opened from its list.
registry.category("web_tour.tours").add("lease_gm_reports_tour", {
    steps: () => [
        {
            content: "The dashboard is titled with its period",
            trigger: ".o_breadcrumb .active:contains('KPI看板 20')",
        },
        {
            content: "The monthly trend with its rates, in Chinese",
            trigger: ".o_lease_kpi_trend th:contains('回款率')",
        },
        {
            content: "Due months are listed",
            trigger: ".o_lease_kpi_trend td:contains('-')",
        },
        {
            content: "The overdue portfolio by tier",
            trigger: ".o_lease_kpi_tiers th:contains('逾期等级')",
        },
        {
            content: "Open the reports menu",
            trigger: ".o_menu_sections button[data-menu-xmlid='lease_overdue.lease_reporting_menu']",
            run: "click",
        },
        {
            content: "The weekly overdue rent reports",
            trigger: ".dropdown-menu .dropdown-item[data-menu-xmlid='lease_overdue.lease_weekly_report_menu']:contains('逾期租金周报')",
            run: "click",
        },
        {
            content: "Open the latest weekly report",
            trigger: ".o_list_view .o_data_row .o_data_cell",
            run: "click",
        },
        {
            content: "The report opens for him, titled in Chinese",
            trigger: ".o_breadcrumb .active:contains('逾期租金周报')",
        },
        {
            content: "Its figures are there",
            trigger: ".o_form_view .o_form_sheet",
        },
    ],
});
