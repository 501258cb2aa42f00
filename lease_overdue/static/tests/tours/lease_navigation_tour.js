import { registry } from "@web/core/registry";

// A leasing user logs in (zh_CN): he lands in the Leasing app on his own work, and the
// collection menu (催收) opens in sections (issue 11, items 7 and 8).
registry.category("web_tour.tours").add("lease_navigation_tour", {
    steps: () => [
        {
            content: "Landed in the Leasing app, not Discuss",
            trigger: ".o_main_navbar .o_menu_brand:contains('融资租赁')",
        },
        {
            content: "On his own work: My Collection Tasks or My Approvals",
            trigger: ".o_breadcrumb .active:contains('我的')",
        },
        {
            content: "Open the collection menu",
            trigger: ".o_menu_sections button[data-menu-xmlid='lease_overdue.lease_collection_menu']:contains('催收')",
            run: "click",
        },
        {
            content: "The my-work section",
            trigger: ".dropdown-menu .dropdown-header:contains('我的工作')",
        },
        {
            content: "The cases section",
            trigger: ".dropdown-menu .dropdown-header:contains('案件')",
        },
        {
            content: "The documents section",
            trigger: ".dropdown-menu .dropdown-header:contains('文书')",
        },
        {
            content: "The registers section",
            trigger: ".dropdown-menu .dropdown-header:contains('台账')",
        },
        {
            content: "Collection cases, an entry of the cases section",
            trigger: ".dropdown-menu .dropdown-item[data-menu-xmlid='lease_overdue.lease_collection_case_menu']:contains('逾期案件')",
            run: "click",
        },
        {
            content: "The collection cases list is open",
            trigger: ".o_breadcrumb .active:contains('逾期案件')",
        },
    ],
});
