from . import lease_overdue_weekly_report_xlsx
