import { _t } from "@web/core/l10n/translation";

// The preset periods of Odoo's spreadsheet date filter (spreadsheet/static/src/
// global_filters/helpers.js) that Odoo 19.0's own zh_CN translation leaves empty; the
// overdue rent dashboard's 期间 filter shows them (issue 11: every screen in Chinese).
// Declared here so that lease_overdue's zh_CN.po translates them: the web client falls
// back to any module's translation of a term its own module leaves untranslated
// (translatedTermsGlobal in web/static/src/core/l10n).
export const SPREADSHEET_PERIOD_TERMS = [
    _t("Today"),
    _t("Yesterday"),
    _t("Month to Date"),
    _t("Last Month"),
    _t("Last 12 Months"),
];
