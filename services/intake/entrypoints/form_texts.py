"""The words of the application form in the reader's language: labels, help, choices and
what is wrong with a field. Extracted into the page catalogs (`make messages`); a text that
has no translation yet reads in English."""

from collections.abc import Callable, Mapping
from typing import Any, Final

Gettext = Callable[[str], str]


def labels(_: Gettext) -> dict[str, tuple[str, str]]:
    """Field path -> (label, short help; empty when the label says it all)."""
    return {
        "athlete_id": (_("Athlete365 id"), _("As on your Athlete365 profile, like A365-004711.")),
        "full_name": (_("Full name"), ""),
        "email": (_("E-mail address"), _("We write to you here about your application.")),
        "language": (_("Language of our e-mails"), ""),
        "country": (
            _("National Olympic Committee"),
            _("The committee you compete or competed for."),
        ),
        "sport": (_("Sport"), ""),
        "athlete_status": (_("You are"), ""),
        "career_end_year": (
            _("Year your sporting career ended"),
            _("Only for former athletes; leave it empty while you still compete."),
        ),
        "business.name": (_("Name of your business"), _("A working name is fine.")),
        "business.sector": (
            _("Sector"),
            _("One word in lower case, words joined by _, like sporting_goods."),
        ),
        "business.stage": (_("Stage of your business"), ""),
        "business.pitch": (_("Your pitch"), _("What your business does, for whom, and why you.")),
        "business.sourcing_needs": (
            _("What you need to source"),
            _("Optional; separate them with commas, like textiles, packaging."),
        ),
        "business.target_markets": (
            _("Target markets"),
            _("Optional; hold Ctrl (or ⌘) to choose several."),
        ),
        "consent.data_processing": (
            _("I agree that the programme keeps and processes the data of this application."),
            _(
                "It is used only to screen your application, run your training and select the "
                "packages; you can have it erased at any time."
            ),
        ),
        "consent.marketing": (_("Send me news of the programme and of future editions."), ""),
    }


def choices(_: Gettext) -> dict[str, str]:
    """The words of each enumerated value."""
    return {
        "current_olympian": _("a current Olympian"),
        "former_olympian": _("a former Olympian"),
        "current_paralympian": _("a current Paralympian"),
        "former_paralympian": _("a former Paralympian"),
        "idea": _("an idea"),
        "prototype": _("a prototype"),
        "revenue": _("making its first revenue"),
        "growth": _("growing"),
    }


def sections(_: Gettext) -> tuple[tuple[str, str], ...]:
    """(section key, heading) in the order the form shows them."""
    return (
        ("you", _("About you")),
        ("sport", _("Your sport")),
        ("business", _("Your business")),
        ("consent", _("Consent")),
    )


_SECTION_OF: Final = {"sport": "sport", "athlete_status": "sport", "career_end_year": "sport"}


def section_of(path: str) -> str:
    prefix, dot, _name = path.partition(".")
    return prefix if dot else _SECTION_OF.get(path, "you")


def problem(error_type: str, field: str, ctx: Mapping[str, Any], _: Gettext) -> str:
    """What is wrong with a field, said so that the reader can fix it."""
    special = _special(error_type, field, _)
    if special is not None:
        return special
    match error_type:
        case "missing":
            return _("Please fill this in.")
        case "string_too_short" if ctx.get("min_length", 1) <= 1:
            return _("Please fill this in.")
        case "string_too_short":
            return _("Use at least %(count)d characters.") % {"count": ctx["min_length"]}
        case "string_too_long":
            return _("Use at most %(count)d characters.") % {"count": ctx["max_length"]}
        case "too_long":
            return _("Choose at most %(count)d.") % {"count": ctx["max_length"]}
        case "literal_error" | "enum":
            return _("Please choose one of the options.")
        case "int_type" | "int_parsing":
            return _("Enter a year in figures, like 2021.")
        case "greater_than_equal":
            return _("Enter %(year)d or a later year.") % {"year": ctx["ge"]}
    return _("Please check this field.")


def _special(error_type: str, field: str, _: Gettext) -> str | None:
    """The messages a field's own rule needs."""
    texts: dict[tuple[str, str], str] = {
        ("string_pattern_mismatch", "athlete_id"): _(
            "Use 3 to 40 letters, digits or hyphens, like A365-004711."
        ),
        ("string_pattern_mismatch", "business.sector"): _(
            "Use lower-case letters, digits and _, like sporting_goods."
        ),
        ("string_pattern_mismatch", "business.sourcing_needs"): _(
            "Use lower-case letters, digits and _, like textiles."
        ),
        ("value_error", "email"): _("Enter a valid e-mail address, like name@example.org."),
        ("value_error", "country"): _("Please choose a committee from the list."),
        ("value_error", "business.target_markets"): _("Please choose markets from the list."),
        ("value_error", "consent.data_processing"): _(
            "Without your consent we may not keep your application, so it cannot be sent."
        ),
        ("career_end_required", "career_end_year"): _(
            "A former athlete gives the year their career ended."
        ),
        ("career_end_not_yet", "career_end_year"): _("Leave this empty while you still compete."),
        ("career_end_future", "career_end_year"): _("The year cannot be later than this year."),
        ("duplicate", "athlete_id"): _(
            "An application with this Athlete365 id was received already; only the first one "
            "counts."
        ),
        ("duplicate", "email"): _(
            "An application with this e-mail address was received already; only the first one "
            "counts."
        ),
    }
    if (error_type, field) in texts:
        return texts[error_type, field]
    if error_type == "value_error" and field in {"full_name", "sport", "business.name"}:
        return _("Use a single line without special characters.")
    return None
