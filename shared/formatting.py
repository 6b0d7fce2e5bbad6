"""Money, moments and durations written the way a reader of each language expects them, from
the Unicode CLDR data that Babel ships, so a new language needs no table of its own here."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Final, Literal

from babel import Locale
from babel.dates import format_datetime, format_timedelta
from babel.lists import format_list
from babel.numbers import format_currency

from shared.languages import Language

# World English: day before month and "US$", for a programme whose readers are everywhere.
_LOCALES: Final[dict[str, str]] = {"en": "en_001"}
_LETTER_THEN_DIGIT: Final = re.compile(r"^([^\W\d_]+)(\d)")


@cache
def _locale(language: Language) -> Locale:
    return Locale.parse(_LOCALES.get(language, language))


def format_money(cents: int, currency: str, language: Language) -> str:
    """1_000_000 cents USD: "US$10,000" in English, "10 000 $US" in French, "10.000 $" in
    German; cents are shown only when there are some."""
    locale = _locale(language)
    amount = Decimal(cents) / 100
    pattern = locale.currency_formats["standard"].pattern
    if cents % 100 == 0:
        pattern = pattern.replace(".00", "")
    written = format_currency(
        amount, currency.upper(), pattern, locale=locale, currency_digits=False
    )
    # CLDR's currency spacing, which Babel leaves out: a symbol made of letters is kept
    # apart from the digits ("CHF 0.05", not "CHF0.05").
    return _LETTER_THEN_DIGIT.sub("\\1\u00a0\\2", written)


def format_deadline(moment: datetime, language: Language) -> str:
    """A moment in UTC, spelled out: "1 March 2026, 19:30 UTC" and its translations."""
    locale = _locale(language)
    date_pattern = locale.date_formats["long"].pattern
    joined = str(locale.datetime_formats["long"]).replace("{1}", date_pattern)
    pattern = joined.replace("{0}", "HH:mm")
    return f"{format_datetime(moment.astimezone(UTC), pattern, tzinfo=UTC, locale=locale)} UTC"


def format_time_left(left: timedelta, language: Language) -> str:
    """How long until a deadline: "13 days, 5 hours", "5 hours", or the minutes of the last
    hour, in the reader's language."""
    seconds = max(0, int(left.total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    if days or hours:
        units: list[tuple[timedelta, Literal["day", "hour", "minute"]]] = [
            (timedelta(days=days), "day"),
            (timedelta(hours=hours), "hour"),
        ]
    else:
        units = [(timedelta(minutes=max(1, rest // 60)), "minute")]
    locale = _locale(language)
    parts = [
        # A threshold no amount reaches keeps each part in its own unit ("36 hours", not
        # "2 days").
        format_timedelta(amount, granularity=unit, threshold=10**9, locale=locale)
        for amount, unit in units
        if amount
    ]
    try:
        return format_list(parts, style="unit", locale=locale)
    except KeyError:
        # Babel does not fill a locale's partial list patterns from its parent: Spanish
        # defines only the last join of a unit list ("{0} y {1}"), so its standard list,
        # which is complete and joins two parts the same way, stands in.
        return format_list(parts, style="standard", locale=locale)
