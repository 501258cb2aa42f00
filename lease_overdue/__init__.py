from . import models
from . import reports
from . import wizards


def uninstall_hook(env):
    """The KPI summary's SQL tables, triggers and functions (not Odoo models' tables)."""
    models.lease_kpi_summary.drop_summary(env.cr)
