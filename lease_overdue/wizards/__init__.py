from . import lease_activity_cancel_wizard
