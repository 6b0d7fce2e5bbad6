"""Every athlete-facing e-mail reads right in every language: one template per e-mail, its
texts translated by the shared catalogs, English where a translation is missing."""

import html
import io
import re
from datetime import UTC, datetime
from importlib.resources import files
from typing import Any
from uuid import UUID

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from services.notification.adapters import renderer
from services.notification.adapters.renderer import Rendered, TemplateRenderer
from services.notification.domain.catalog import TEMPLATES
from services.notification.domain.composition import (
    DEFAULT_PROGRAMME,
    OfferLinks,
    OfferLinksUnavailable,
    ReviewLinks,
    ReviewLinksUnavailable,
    compose,
)
from shared import review_links
from shared.languages import SUPPORTED, Language, choose_language
from shared.offer_links import sign

pytestmark = pytest.mark.unit

OFFER = UUID("6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b")
DEADLINE = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
LINKS = OfferLinks(base_url="https://grant.example.org", key="demo-offer-key")
SEAT = UUID("0d9a4c1e-7b2f-4e8a-9c3d-5f6a7b8c9d0e")
REVIEW_LINKS = ReviewLinks(base_url="https://scoring.example.org", key="demo-review-key")
PROGRAMME = "Athlete365 Business Accelerator 4"
FACTS: dict[str, dict[str, Any]] = {
    "screened_ineligible": {"reasons": ["career_ended_too_long_ago", "new_rule"]},
    "enrolled": {"modules": ["business-foundations", "global-sourcing"]},
    "offered": {
        "offer_id": str(OFFER),
        "amount_cents": 1_000_000,
        "currency": "USD",
        "components": ["logistics_training", "operations_training", "sourcing_training"],
        "rank": 12,
        "expires_at": DEADLINE.isoformat(),
    },
    "accepted": {"offer_id": str(OFFER)},
    "declined": {"offer_id": str(OFFER)},
    "expired": {"offer_id": str(OFFER)},
    "waitlisted": {"rank": 57},
    "reviewer_invited": {
        "seat_id": str(SEAT),
        "link_expires_at": DEADLINE.isoformat(),
        "assignments": 7,
        "new_assignments": 2,
    },
}
RENDERER = TemplateRenderer()
LOCALES = files("shared.pages") / "locales"


def render(template: str, language: Language, name: str = "Marie Dupont") -> Rendered:
    letter = compose(
        template,
        FACTS.get(template, {}),
        name=name,
        language=language,
        programme=PROGRAMME,
        offer_links=LINKS,
        review_links=REVIEW_LINKS,
    )
    return RENDERER.render(letter)


def test_every_email_has_its_template() -> None:
    assert RENDERER.available() == set(TEMPLATES)


@pytest.mark.parametrize("language", [lang for lang in SUPPORTED if lang != "en"])
def test_every_catalog_translates_every_text(language: Language) -> None:
    with (LOCALES / "pages.pot").open("rb") as source:
        template = read_po(source)
    with (LOCALES / language / "LC_MESSAGES" / "pages.po").open("rb") as source:
        catalog = read_po(source, locale=language)
    untranslated = [
        message.id
        for message in template
        if message.id
        and not (
            (found := catalog.get(message.id)) is not None
            and all(found.string if isinstance(found.string, tuple) else [found.string])
        )
    ]
    assert untranslated == []


def test_a_text_missing_from_a_catalog_reads_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    with (LOCALES / "es" / "LC_MESSAGES" / "pages.po").open("rb") as source:
        catalog = read_po(source, locale="es")
    del catalog["Your modules:"]
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    monkeypatch.setattr(renderer, "translations", lambda _language: Translations(compiled))
    text = render("enrolled", "es").text
    assert "\nYour modules:\n" in text
    assert "Cada módulo que completes cuenta" in text


@pytest.mark.parametrize("language", SUPPORTED)
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_renders_a_greeting_a_subject_and_no_leftovers(
    template: str, language: Language
) -> None:
    mail = render(template, language, name="Zoë Ångström-Müller")
    assert mail.subject
    assert "\n" not in mail.subject
    assert "Zoë Ångström-Müller" in mail.text
    assert PROGRAMME in mail.text
    for leftover in ("{{", "}}", "{%", "%}", "None", "[]"):
        assert leftover not in mail.text
        assert leftover not in mail.subject
    assert all(len(line) <= 76 or "://" in line for line in mail.text.splitlines())


@pytest.mark.parametrize("template", TEMPLATES)
def test_subjects_and_bodies_differ_per_language(template: str) -> None:
    subjects = {render(template, language).subject for language in SUPPORTED}
    bodies = {render(template, language).text for language in SUPPORTED}
    assert len(subjects) == len(SUPPORTED)
    assert len(bodies) == len(SUPPORTED)


@pytest.mark.parametrize(
    ("language", "greeting", "amount", "deadline", "component"),
    [
        ("en", "Dear Marie Dupont,", "US$10,000", "1 October 2026, 12:00 UTC", "Sourcing training"),
        (
            "fr",
            "Bonjour Marie Dupont,",
            "10\u202f000\u00a0$US",
            "1 octobre 2026, 12:00 UTC",
            "Formation à l'approvisionnement",
        ),
        (
            "de",
            "Guten Tag Marie Dupont,",
            "10.000\u00a0$",
            "1. Oktober 2026, 12:00 UTC",
            "Beschaffungs-Training",
        ),
        (
            "es",
            "Hola, Marie Dupont:",
            "10.000\u00a0US$",
            "1 de octubre de 2026, 12:00 UTC",
            "Formación en aprovisionamiento",
        ),
    ],
)
def test_offer_email_shows_value_components_deadline_and_both_links(
    language: Language, greeting: str, amount: str, deadline: str, component: str
) -> None:
    mail = render("offered", language)
    token = sign(OFFER, DEADLINE, key="demo-offer-key")
    assert mail.text.startswith(greeting)
    assert amount in mail.subject
    assert amount in mail.text
    assert " ".join(deadline.split()) in " ".join(mail.text.split())
    assert component in mail.text
    assert "12" in mail.text
    lines = mail.text.splitlines()
    # Pages, in the athlete's language: opening a link must never answer the offer.
    assert f"https://grant.example.org/offers/{token}?lang={language}" in lines
    assert f"https://grant.example.org/offers/{token}/decline?lang={language}" in lines


def test_offer_email_cannot_be_written_without_a_signing_key() -> None:
    with pytest.raises(OfferLinksUnavailable):
        compose(
            "offered",
            FACTS["offered"],
            name="A",
            language="en",
            programme=None,
            offer_links=OfferLinks(base_url="https://grant.example.org", key=""),
        )


@pytest.mark.parametrize(
    ("language", "known", "unknown"),
    [
        ("en", "more than 12 years", "Another eligibility requirement was not met"),
        ("fr", "plus de 12 ans", "Une autre condition d'éligibilité n'est pas remplie"),
        ("de", "mehr als 12 Jahre", "Eine weitere Teilnahmevoraussetzung ist nicht erfüllt"),
        ("es", "más de 12 años", "No se cumple otro requisito de admisión"),
    ],
)
def test_ineligible_email_explains_each_reason_readably(
    language: Language, known: str, unknown: str
) -> None:
    text = " ".join(render("screened_ineligible", language).text.split())
    assert known in text
    assert unknown in text
    assert "new_rule" in text, "an unknown code is quoted so support can look it up"
    assert "career_ended_too_long_ago" not in text


def test_waitlist_email_gives_the_rank_and_enrolment_lists_the_modules() -> None:
    assert "ranked 57" in " ".join(render("waitlisted", "en").text.split())
    assert "Rang 57" in render("waitlisted", "de").text
    enrolled = render("enrolled", "fr").text
    assert "  - Les bases de l'entreprise" in enrolled
    assert "  - Approvisionnement international" in enrolled


def test_an_unknown_language_is_written_to_in_english() -> None:
    mail = render("received", choose_language("pt-BR"))
    assert mail.text.startswith("Dear Marie Dupont,")
    assert mail.subject == f"We have received your application to the {PROGRAMME}"


def test_an_unknown_edition_still_names_the_programme() -> None:
    letter = compose("accepted", {}, name="A", language="en", programme=None, offer_links=LINKS)
    assert DEFAULT_PROGRAMME in RENDERER.render(letter).text


@pytest.mark.parametrize("language", SUPPORTED)
def test_the_offer_emails_html_part_says_the_same_words_with_buttons(language: Language) -> None:
    mail = render("offered", language, name="Léa <Martin> & co")
    assert mail.html is not None
    page = html.unescape(re.sub(r"<[^>]+>", " ", mail.html))
    links = re.findall(r"https://\S+", mail.text)
    # Word for word, in order; a button's label drops the colon that led to its link.
    # List items lose their "-" bullet to <li>.
    text_words = [w.rstrip(":") for w in mail.text.split() if w not in links and w != "-"]
    html_words = [w.rstrip(":") for w in page.split()]
    assert [w for w in html_words if w] == [w for w in text_words if w]
    assert "&lt;Martin&gt; &amp; co" in mail.html  # the name is text, never markup
    assert [f'href="{link}"' in mail.html for link in links] == [True, True]
    assert mail.html.count("<a ") == 2


def test_an_email_without_links_stays_plain_text() -> None:
    assert render("received", "fr").html is None


@pytest.mark.parametrize(
    ("language", "waiting", "new", "deadline"),
    [
        ("en", "7 applications await your review", "2 are new", "1 October 2026, 12:00 UTC"),
        ("fr", "7 candidatures attendent", "2 sont nouvelles", "1 octobre 2026, 12:00 UTC"),
        ("de", "7 Bewerbungen warten", "sind 2 seit", "1. Oktober 2026, 12:00 UTC"),
        ("es", "7 solicitudes esperan", "2 son nuevas", "1 de octubre de 2026, 12:00 UTC"),
    ],
)
def test_a_reviewers_invitation_gives_the_count_the_deadline_and_a_link_for_the_seat(
    language: Language, waiting: str, new: str, deadline: str
) -> None:
    mail = render("reviewer_invited", language)
    text = " ".join(mail.text.split())
    assert waiting in text
    assert new in text
    assert " ".join(deadline.split()) in text
    [link] = re.findall(r"https://scoring\.example\.org/\S+", mail.text)
    token = link.removeprefix("https://scoring.example.org/review/").split("?")[0]
    assert link.endswith(f"?lang={language}")
    claim = review_links.verify(token, key="demo-review-key")
    assert (claim.record_id, claim.expires_at) == (SEAT, DEADLINE)
    # The link is a button in the HTML part, and the same words surround it.
    assert mail.html is not None
    assert mail.html.count("<a ") == 1
    assert f'href="{link}"' in mail.html


def test_an_invitation_with_every_application_new_does_not_count_them_twice() -> None:
    facts = {**FACTS["reviewer_invited"], "assignments": 1, "new_assignments": 1}
    letter = compose(
        "reviewer_invited",
        facts,
        name="A",
        language="en",
        programme=PROGRAMME,
        offer_links=LINKS,
        review_links=REVIEW_LINKS,
    )
    text = " ".join(RENDERER.render(letter).text.split())
    assert "1 application awaits your review." in text
    assert "new since" not in text


def test_an_invitation_cannot_be_written_without_the_review_link_key() -> None:
    with pytest.raises(ReviewLinksUnavailable):
        compose(
            "reviewer_invited",
            FACTS["reviewer_invited"],
            name="A",
            language="en",
            programme=None,
            offer_links=LINKS,
            review_links=ReviewLinks(base_url="https://scoring.example.org", key=""),
        )
