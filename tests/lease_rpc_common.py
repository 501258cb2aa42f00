"""Attacks over Odoo's external JSON-2 API, as a given user (issue "Integrity", SPEC A2/A3).

Security is proven the way an employee with a login would try to get around it: not by
clicking, but by calling the models' public methods (``write``, ``create``, ``load``,
``copy``, ``unlink``, any ``action_*``) with an API key of his own, with whatever context
he likes. Each call goes through Odoo's real HTTP stack into the test transaction.
"""

import json

from lease_test_common import english_stored_texts, unlock_demo_months

from odoo.tests import HttpCase


class LeaseRpcCase(HttpCase):
    """HttpCase with ``rpc(user, model, method, ...)`` over ``/json/2``."""

    _rpc_keys = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        english_stored_texts(cls.env)
        unlock_demo_months(cls.env)

    def _rpc_key(self, user):
        if self._rpc_keys is None:
            self._rpc_keys = {}
        if user.id not in self._rpc_keys:
            self._rpc_keys[user.id] = (
                self.env["res.users.apikeys"]
                .with_user(user)
                .sudo()
                ._generate(None, "lease security test", None)
            )
        return self._rpc_keys[user.id]

    def rpc(self, user, model, method, ids=(), context=None, **kwargs):
        """Call ``model.method`` as ``user``; return (http status, decoded body)."""
        self.env.flush_all()
        body = dict(kwargs, ids=list(ids), context=context or {})
        response = self.url_open(
            f"/json/2/{model}/{method}",
            data=json.dumps(body, default=str),
            headers={
                "Authorization": f"bearer {self._rpc_key(user)}",
                "Content-Type": "application/json; charset=utf-8",
            },
            timeout=60,
        )
        self.env.invalidate_all()
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, response.text

    def assertRpcOk(self, user, model, method, ids=(), context=None, **kwargs):
        status, result = self.rpc(user, model, method, ids, context, **kwargs)
        self.assertEqual(
            status,
            200,
            f"{user.login} should be allowed {model}.{method}{list(ids)}: {result}",
        )
        return result

    def assertRpcRefused(self, user, model, method, ids=(), context=None, **kwargs):
        """The call fails with an Odoo error the user reads (access, user or validation
        error), never with a crash, and changes nothing."""
        status, result = self.rpc(user, model, method, ids, context, **kwargs)
        self.assertNotEqual(
            status,
            200,
            f"{user.login} must be refused {model}.{method}{list(ids)} {kwargs}",
        )
        self.assertIsInstance(result, dict, result)
        self.assertIn(
            result.get("name"),
            (
                "odoo.exceptions.AccessError",
                "odoo.exceptions.UserError",
                "odoo.exceptions.ValidationError",
                "odoo.exceptions.MissingError",
            ),
            f"{model}.{method} as {user.login}: {result}",
        )
        return result
