"""Money and dates written the way a reader of each language expects them."""

from datetime import UTC, datetime
from typing import Final

from services.notification.domain.languages import Language

NBSP: Final = "\u00a0"
NARROW_NBSP: Final = "\u202f"

# (group separator, decimal separator) per language.
_SEPARATORS: Final[dict[Language, tuple[str, str]]] = {
    "en": (",", "."),
    "fr": (NARROW_NBSP, ","),
    "de": (".", ","),
}
# How a currency is shown: a symbol (English puts it first) or, unknown, its ISO code.
_SYMBOLS: Final[dict[Language, dict[str, str]]] = {
    "en": {"USD": "US$", "EUR": "€", "GBP": "£", "CHF": "CHF"},
    "fr": {"USD": "$US", "EUR": "€", "GBP": "£GB", "CHF": "CHF"},
    "de": {"USD": "US$", "EUR": "€", "GBP": "£", "CHF": "CHF"},
}

_MONTHS: Final[dict[Language, tuple[str, ...]]] = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ),
    "de": (
        "Januar", "Februar", "März", "April", "Mai", "Juni",
        "Juli", "August", "September", "Oktober", "November", "Dezember",
    ),
}  # fmt: skip


def format_money(cents: int, currency: str, language: Language) -> str:
    """1_000_000 cents USD: "US$10,000" in English, "10 000 $US" in French, "10.000 US$"."""
    group, decimal = _SEPARATORS[language]
    units, rest = divmod(abs(cents), 100)
    digits = f"{units:,}".replace(",", group)
    number = ("-" if cents < 0 else "") + digits + (f"{decimal}{rest:02d}" if rest else "")
    code = currency.upper()
    symbol = _SYMBOLS[language].get(code)
    if symbol is None:
        return f"{code}{NBSP}{number}" if language == "en" else f"{number}{NBSP}{code}"
    if language == "en":
        return f"{symbol}{NBSP}{number}" if symbol.isalpha() else f"{symbol}{number}"
    return f"{number}{NBSP}{symbol}"


def format_deadline(moment: datetime, language: Language) -> str:
    """A moment in UTC, spelled out: "14 September 2026, 18:00 UTC" and its translations."""
    at = moment.astimezone(UTC)
    month = _MONTHS[language][at.month - 1]
    clock = f"{at:%H:%M}"
    if language == "fr":
        day = "1er" if at.day == 1 else str(at.day)
        return f"{day} {month} {at.year} à {clock} UTC"
    if language == "de":
        return f"{at.day}. {month} {at.year}, {clock} Uhr UTC"
    return f"{at.day} {month} {at.year}, {clock} UTC"
