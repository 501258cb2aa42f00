from . import lease_activity_cancel_wizard
from . import lease_vendor_advance_wizard
from . import lease_case_reopen_wizard
from . import lease_activity_reassign_wizard
from . import lease_activity_done_wizard
