from itertools import pairwise

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class LeaseOverdueTier(models.Model):
    """Overdue tier (逾期等级): a band of overdue days, bounds inclusive (SPEC O2)."""

    _name = "lease.overdue.tier"
    _description = "Overdue Tier"
    _order = "days_min"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code used in reports, e.g. T1.")
    days_min = fields.Integer(
        "From Day", required=True, help="First overdue day of the tier (inclusive)."
    )
    days_max = fields.Integer(
        "To Day",
        help="Last overdue day of the tier (inclusive); 0 means no upper bound.",
    )
    severity = fields.Integer(
        default=1,
        help="Weight of the tier in the risk grade (added to the amount band's weight).",
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _code_unique = models.UniqueIndex("(code) WHERE active")

    @api.constrains("days_min", "days_max", "active")
    def _check_days(self):
        for tier in self:
            if tier.days_min < 1:
                raise ValidationError(
                    self.env._(
                        "Tier %(tier)s must start on overdue day 1 or later.",
                        tier=tier.name,
                    )
                )
            if tier.days_max and tier.days_max < tier.days_min:
                raise ValidationError(
                    self.env._(
                        "Tier %(tier)s ends (day %(end)s) before it starts (day %(start)s).",
                        tier=tier.name,
                        end=tier.days_max,
                        start=tier.days_min,
                    )
                )
        tiers = self.search([])
        for first, second in pairwise(tiers):
            if not first.days_max or first.days_max >= second.days_min:
                raise ValidationError(
                    self.env._(
                        "Overdue tiers %(a)s and %(b)s overlap.",
                        a=first.name,
                        b=second.name,
                    )
                )


class LeaseAmountBand(models.Model):
    """Amount band (SPEC O3, D3 L49): overdue amount ranges that, with the tier,
    give the risk grade used for priority and visit staffing."""

    _name = "lease.amount.band"
    _description = "Overdue Amount Band"
    _order = "amount_min"

    name = fields.Char(required=True, translate=True)
    amount_min = fields.Float("From Amount", required=True, default=0.0)
    amount_max = fields.Float(
        "To Amount", help="Upper bound (exclusive); 0 means no bound."
    )
    weight = fields.Integer(
        default=0, help="Added to the tier's severity to give the grade."
    )
    active = fields.Boolean(default=True)

    @api.constrains("amount_min", "amount_max")
    def _check_amounts(self):
        for band in self:
            if band.amount_min < 0 or band.amount_max < 0:
                raise ValidationError(self.env._("Amount bands cannot be negative."))
            if band.amount_max and band.amount_max <= band.amount_min:
                raise ValidationError(
                    self.env._(
                        "Amount band %(band)s: the upper bound must exceed the lower bound.",
                        band=band.name,
                    )
                )
