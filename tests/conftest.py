"""pytest-odoo glue for tests that live outside the addon.

Odoo gives test classes their default tags ('standard', 'at_install') only when their
module is under ``odoo.addons``; these tests are top-level, so give them the same tags.
"""

from odoo.tests.common import BaseCase

BaseCase.test_tags = {"standard", "at_install"}
BaseCase.test_module = "lease_overdue"
