"""Helpers of the reports, kept out of the archive mixin (issue 12 item 5): amounts in
Chinese capital numerals and a company's local days as UTC bounds."""

from datetime import datetime, time, timedelta

import pytz
from cn2an import an2cn

from odoo.tools import float_round


def amount_in_words_rmb(amount):
    """Amount in Chinese capital numerals (人民币大写) by cn2an, the library Odoo's own
    l10n_cn uses: 10005.5 -> 壹万零伍元伍角, 20000 -> 贰万元整. The amount is rounded to
    the fen first (cn2an cuts extra decimals instead of rounding them)."""
    text = f"{float_round(amount or 0.0, precision_digits=2):.2f}"
    if float(text) == 0:
        text = "0.00"
    return an2cn(text, "rmb")


def local_days_utc(env, company, day_from, day_to):
    """[day_from 00:00, day_to + 1 00:00) in the local time of the user (or, for a
    scheduled job, of the company), as naive UTC datetimes for Datetime domains."""
    tz_name = env.context.get("tz") or env.user.tz or company.partner_id.tz or "UTC"
    tz = pytz.timezone(tz_name)
    bounds = []
    for day in (day_from, day_to + timedelta(days=1)):
        local = tz.localize(datetime.combine(day, time.min))
        bounds.append(local.astimezone(pytz.utc).replace(tzinfo=None))
    return tuple(bounds)
