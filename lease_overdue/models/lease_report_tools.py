"""Helpers of the reports, kept out of the archive mixin (issue 12 item 5): dates and
amounts as the Chinese documents write them, amounts in Chinese capital numerals and a
company's local days as UTC bounds."""

from datetime import timedelta

from cn2an import an2cn

from odoo.tools import float_round


def zh_date(day):
    """A date the way Chinese letters write it: 2026年3月5日 (empty for no date)."""
    if not day:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def money_text(amount, currency):
    """人民币12,345.00元 for CNY, else e.g. USD 12,345.00."""
    figure = f"{amount or 0.0:,.{currency.decimal_places}f}"
    if currency.name == "CNY":
        return f"人民币{figure}元"
    return f"{currency.name} {figure}"


def amount_in_words_rmb(amount):
    """Amount in Chinese capital numerals (人民币大写) by cn2an, the library Odoo's own
    l10n_cn uses: 10005.5 -> 壹万零伍元伍角, 20000 -> 贰万元整. The amount is rounded to
    the fen first (cn2an cuts extra decimals instead of rounding them)."""
    text = f"{float_round(amount or 0.0, precision_digits=2):.2f}"
    if float(text) == 0:
        text = "0.00"
    return an2cn(text, "rmb")


def local_days_utc(company, day_from, day_to):
    """[day_from 00:00, day_to + 1 00:00) in the company's local time (its calendar's
    time zone, as its "today"), whoever generates the report: a weekly report made by
    the scheduled job (OdooBot) and one made by a head cover the same actions. Naive UTC
    datetimes, for Datetime domains."""
    return (
        company._lease_local_to_utc(day_from),
        company._lease_local_to_utc(day_to + timedelta(days=1)),
    )
