"""Readable words for the codes events carry: screening reasons, package components, modules;
the same in e-mails and on pages.

An unknown code still reads as a sentence (with the code, so support can look it up) rather
than breaking the e-mail: producers may add codes before this list learns them.
"""

from typing import Final

from shared.languages import Language

_REASONS: Final[dict[str, dict[Language, str]]] = {
    "career_ended_too_long_ago": {
        "en": "Your sporting career ended more than 12 years before your application; the "
        "accelerator supports athletes in their move from sport into business.",
        "fr": "Votre carrière sportive s'est terminée plus de 12 ans avant votre candidature ; "
        "l'accélérateur accompagne les athlètes dans leur passage du sport à l'entreprise.",
        "de": "Ihre sportliche Laufbahn endete mehr als 12 Jahre vor Ihrer Bewerbung; der "
        "Accelerator begleitet Athletinnen und Athleten beim Wechsel vom Sport ins "
        "Unternehmertum.",
    },
}
_OTHER_REASON: Final[dict[Language, str]] = {
    "en": "Another eligibility requirement was not met (reference: {code}).",
    "fr": "Une autre condition d'éligibilité n'est pas remplie (référence : {code}).",
    "de": "Eine weitere Teilnahmevoraussetzung ist nicht erfüllt (Referenz: {code}).",
}

_COMPONENTS: Final[dict[str, dict[Language, str]]] = {
    "logistics_training": {
        "en": "Logistics training",
        "fr": "Formation à la logistique",
        "de": "Logistik-Training",
    },
    "operations_training": {
        "en": "Operations training",
        "fr": "Formation aux opérations",
        "de": "Training für Betriebsabläufe",
    },
    "sourcing_training": {
        "en": "Sourcing training",
        "fr": "Formation à l'approvisionnement",
        "de": "Beschaffungs-Training",
    },
    "mentoring": {"en": "Mentoring", "fr": "Mentorat", "de": "Mentoring"},
}

_MODULES: Final[dict[str, dict[Language, str]]] = {
    "business-foundations": {
        "en": "Business foundations",
        "fr": "Les bases de l'entreprise",
        "de": "Grundlagen der Unternehmensführung",
    },
    "ecommerce-and-b2b": {
        "en": "E-commerce and B2B",
        "fr": "E-commerce et B2B",
        "de": "E-Commerce und B2B",
    },
    "global-sourcing": {
        "en": "Global sourcing",
        "fr": "Approvisionnement international",
        "de": "Globale Beschaffung",
    },
    "logistics-and-operations": {
        "en": "Logistics and operations",
        "fr": "Logistique et opérations",
        "de": "Logistik und Betrieb",
    },
    "finance-and-pitching": {
        "en": "Finance and pitching",
        "fr": "Finance et pitch",
        "de": "Finanzen und Pitching",
    },
}


def reason_text(code: str, language: Language) -> str:
    known = _REASONS.get(code)
    if known is None:
        return _OTHER_REASON[language].format(code=code)
    return known[language]


def component_text(code: str, language: Language) -> str:
    return _COMPONENTS.get(code, {}).get(language) or _humanised(code)


def module_text(code: str, language: Language) -> str:
    return _MODULES.get(code, {}).get(language) or _humanised(code)


def _humanised(code: str) -> str:
    words = code.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]
