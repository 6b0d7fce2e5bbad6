"""Which language an athlete is written to in: their preference when supported, else English."""

from typing import Final, Literal, get_args

Language = Literal["en", "fr", "de"]

SUPPORTED: Final[tuple[Language, ...]] = get_args(Language)
FALLBACK: Final[Language] = "en"


def supported(code: str | None) -> Language | None:
    """The supported language a code names ("fr", "FR", "fr-CH", "de_AT"), if any."""
    if not code:
        return None
    primary = code.strip().replace("_", "-").split("-", 1)[0].lower()
    for language in SUPPORTED:
        if language == primary:
            return language
    return None


def choose_language(*preferences: str | None) -> Language:
    """The first supported preference (the contact's, then the application's), else English."""
    for code in preferences:
        language = supported(code)
        if language is not None:
            return language
    return FALLBACK
