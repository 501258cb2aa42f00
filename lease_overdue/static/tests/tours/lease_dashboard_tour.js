import { registry } from "@web/core/registry";

// A head opens Odoo's Dashboards app and the overdue rent dashboard (issue 11 item 5):
// its Chinese title, its charts drawn, and its pivots evaluated through the ORM.

function findDashboardModel() {
    // The grid and the charts are drawn on canvases: read the spreadsheet model of the
    // dashboard action (the web client's root component, walked down).
    const todo = [odoo.__WOWL_DEBUG__.root.__owl__];
    while (todo.length) {
        const node = todo.pop();
        const loader = node.component && node.component.loader;
        if (loader && loader.getActiveDashboard) {
            const dashboard = loader.getActiveDashboard();
            return dashboard && dashboard.model;
        }
        todo.push(...Object.values(node.children || {}));
    }
    return undefined;
}

function cellValue(model, sheetName, col, row) {
    const sheetId = model.getters.getSheetIdByName(sheetName);
    return model.getters.getEvaluatedCell({ sheetId, col, row }).value;
}

async function waitFor(check, what) {
    for (let i = 0; i < 120; i++) {
        const result = check();
        if (result) {
            return result;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`Dashboard: ${what}`);
}

registry.category("web_tour.tours").add("lease_dashboard_tour", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Dashboards app",
            trigger: ".o_app[data-menu-xmlid='spreadsheet_dashboard.spreadsheet_dashboard_menu_root']",
            run: "click",
        },
        {
            content: "The leasing group of dashboards, in Chinese",
            trigger: ".o_spreadsheet_dashboard_search_panel .o_search_panel_section_header:contains('租赁')",
        },
        {
            content: "Open the overdue rent dashboard from the side panel",
            trigger: ".o_spreadsheet_dashboard_search_panel .o_search_panel_category_value[data-name='逾期租金看板']",
            run: "click",
        },
        {
            content: "The overdue rent dashboard is the active one",
            trigger: ".o_search_panel_category_value.active[data-name='逾期租金看板']",
        },
        {
            content: "Its period filter reads in Chinese (最近12个月, not Last 12 Months)",
            trigger: ".o_action_manager:contains('最近12个月')",
        },
        {
            content: "Its charts are drawn",
            trigger: ".o-spreadsheet .o-figure canvas",
        },
        {
            content: "Its title is Chinese and its pivots hold figures",
            trigger: ".o-spreadsheet",
            timeout: 40000,
            run: async () => {
                const model = await waitFor(findDashboardModel, "no spreadsheet model");
                await waitFor(
                    () => cellValue(model, "逾期租金看板", 0, 0) === "逾期租金看板",
                    "the Chinese title 逾期租金看板 is not in A1"
                );
                // open collection cases (a pivot value) and the monthly pivot's header
                await waitFor(
                    () => typeof cellValue(model, "Data", 1, 0) === "number" &&
                        cellValue(model, "Data", 1, 0) > 0,
                    `no open case counted (Data!B1 = ${cellValue(model, "Data", 1, 0)})`
                );
                await waitFor(
                    () => cellValue(model, "逾期租金看板", 1, 50) === "应收租金",
                    `the monthly pivot is not rendered (B51 = ${cellValue(model, "逾期租金看板", 1, 50)})`
                );
            },
        },
    ],
});
