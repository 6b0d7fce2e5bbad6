"""Readable words for the codes events carry: screening reasons, package components, modules;
the same in e-mails and on pages, translated through the shared catalogs (shared/pages/locales,
extracted by `make messages` from the N_ marks below).

An unknown code still reads as a sentence (with the code, so support can look it up) rather
than breaking the e-mail: producers may add codes before this list learns them.
"""

from typing import Final

from shared.languages import Language
from shared.pages import translations


def N_(message: str) -> str:
    """Marks a text for the catalogs; it is translated where it is used."""
    return message


_REASONS: Final = {
    "career_ended_too_long_ago": N_(
        "Your sporting career ended more than 12 years before your application; the "
        "accelerator supports athletes in their move from sport into business."
    ),
}
_OTHER_REASON: Final = N_("Another eligibility requirement was not met (reference: %(code)s).")

_COMPONENTS: Final = {
    "logistics_training": N_("Logistics training"),
    "operations_training": N_("Operations training"),
    "sourcing_training": N_("Sourcing training"),
    "mentoring": N_("Mentoring"),
}

_MODULES: Final = {
    "business-foundations": N_("Business foundations"),
    "ecommerce-and-b2b": N_("E-commerce and B2B"),
    "global-sourcing": N_("Global sourcing"),
    "logistics-and-operations": N_("Logistics and operations"),
    "finance-and-pitching": N_("Finance and pitching"),
}


def reason_text(code: str, language: Language) -> str:
    gettext = translations(language).gettext
    known = _REASONS.get(code)
    if known is None:
        return gettext(_OTHER_REASON) % {"code": code}
    return gettext(known)


def component_text(code: str, language: Language) -> str:
    known = _COMPONENTS.get(code)
    return translations(language).gettext(known) if known else _humanised(code)


def module_text(code: str, language: Language) -> str:
    known = _MODULES.get(code)
    return translations(language).gettext(known) if known else _humanised(code)


def _humanised(code: str) -> str:
    words = code.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]
