"""The demo general manager's web client loads (issue 11 item 5): the requests the
browser makes when ``gm`` logs in answer JSON, and the landing tour passes as him, as it
does for a freshly created general manager."""

import json

from lease_test_common import chinese_browser

from odoo.tests import HttpCase


class TestDemoGmSession(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        chinese_browser(cls.env)
        cls.gm = cls.env.ref("lease_overdue.demo_user_gm")
        # as `make run` leaves him: every user in Chinese
        cls.gm.lang = "zh_CN"

    def _json(self, url, params):
        response = self.url_open(
            url,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
        self.assertEqual(response.status_code, 200, (url, response.text[:300]))
        try:
            body = response.json()
        except ValueError:
            self.fail(f"{url} did not answer JSON: {response.content[:80]!r}")
        self.assertNotIn("error", body, (url, body.get("error")))
        return body["result"]

    def test_demo_gm_web_client_requests_answer_json(self):
        """Issue 11 item 5: as the demo gm, the page, his home action, the menus, the
        messaging and activity systray (/mail/data) and his home list answer JSON where
        the web client parses JSON."""
        self.authenticate("gm", "gm")
        page = self.url_open("/odoo", timeout=60)
        self.assertEqual(page.status_code, 200)
        home = self.env["ir.actions.act_window"].browse(self.gm.action_id.id)
        action = self._json("/web/action/load", {"action_id": home.id})
        self.assertEqual(action["res_model"], home.res_model)
        menus = self.url_open("/web/webclient/load_menus", timeout=60)
        self.assertEqual(menus.status_code, 200)
        menus.json()
        self._json(
            "/mail/data",
            {"fetch_params": ["failures", "systray_get_activities", "init_messaging"]},
        )
        rows = self._json(
            f"/web/dataset/call_kw/{home.res_model}/web_search_read",
            {
                "model": home.res_model,
                "method": "web_search_read",
                "args": [],
                "kwargs": {
                    "domain": [("can_approve", "=", True)],
                    "specification": {"display_name": {}},
                    "limit": 80,
                },
            },
        )
        self.assertIn("records", rows)

    def test_demo_gm_lands_in_leasing(self):
        """Issue 11 item 5: the landing tour passes as the demo gm (it passes for a fresh
        general manager in test_ui_navigation_tour)."""
        self.start_tour("/odoo", "lease_navigation_tour", login="gm")
