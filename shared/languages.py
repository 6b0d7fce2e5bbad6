"""The languages the programme writes in, and how a reader's language is chosen. A language
is a catalog (shared/pages/locales/<code>/LC_MESSAGES/pages.po) and its code here."""

from typing import Final, Literal, get_args

Language = Literal["en", "fr", "de", "es"]

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


def accepted_languages(header: str | None) -> list[str]:
    """The tags of an Accept-Language header, most wanted first; q=0 means "not this one"."""
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def page_language(chosen: str | None, accept_language: str | None) -> Language:
    """A page's language: the reader's explicit choice (the link's ?lang=), else what their
    browser asks for, else English."""
    return choose_language(chosen, *accepted_languages(accept_language))
