"""What each template is given: the event's facts made readable in the reader's language."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from uuid import UUID

from shared import review_links, status_links
from shared.formatting import format_deadline, format_money
from shared.languages import Language
from shared.offer_links import offer_links, sign
from shared.phrases import component_text, module_text, reason_text

DEFAULT_PROGRAMME: Final = "Athlete365 Business Accelerator"


class LinksUnavailable(RuntimeError):
    """No signing key or address is configured, so the e-mail cannot carry its working link:
    it is held back and retried, never sent without it."""


class OfferLinksUnavailable(LinksUnavailable):
    """No signing key is configured, so an offer e-mail cannot carry working links."""


class ReviewLinksUnavailable(LinksUnavailable):
    """SCORING_URL or REVIEW_LINK_KEY is not set: an invitation without its link is useless."""


@dataclass(frozen=True)
class OfferLinks:
    """Where the grant service answers offers, and the key its tokens are signed with."""

    base_url: str
    key: str

    def links(self, offer_id: UUID, expires_at: datetime, language: Language) -> dict[str, str]:
        if not (self.base_url and self.key):
            raise OfferLinksUnavailable("GRANT_URL or OFFER_SIGNING_KEY is not set")
        token = sign(offer_id, expires_at, key=self.key)
        links = offer_links(self.base_url, token, language)
        return {f"{action}_url": url for action, url in links.items()}


@dataclass(frozen=True)
class StatusLinks:
    """Where intake shows an application's status, and the key its links are signed with;
    without them the "received" e-mail goes out without its link."""

    base_url: str = ""
    key: str = ""

    def link(self, application_id: UUID, submitted_at: datetime, language: Language) -> str | None:
        if not (self.base_url and self.key):
            return None
        token = status_links.sign(application_id, submitted_at, key=self.key)
        return status_links.status_link(self.base_url, token, language)


@dataclass(frozen=True)
class ReviewLinks:
    """Where scoring shows a reviewer's queue, and the key their personal links are signed
    with (shared/review_links.py), which scoring checks."""

    base_url: str = ""
    key: str = ""

    def link(self, seat_id: UUID, expires_at: datetime, language: Language) -> str:
        if not (self.base_url and self.key):
            raise ReviewLinksUnavailable("SCORING_URL or REVIEW_LINK_KEY is not set")
        token = review_links.sign(seat_id, expires_at, key=self.key)
        return review_links.review_link(self.base_url, token, language)


@dataclass(frozen=True)
class Links:
    offers: OfferLinks
    status: StatusLinks
    review: ReviewLinks


@dataclass(frozen=True)
class Letter:
    """Everything a template needs, apart from the template itself."""

    template: str
    language: Language
    context: Mapping[str, Any]


def compose(
    template: str,
    facts: Mapping[str, Any],
    *,
    name: str,
    language: Language,
    programme: str | None,
    offer_links: OfferLinks,
    status_links: StatusLinks | None = None,
    review_links: ReviewLinks | None = None,
) -> Letter:
    context: dict[str, Any] = {"name": name, "programme": programme or DEFAULT_PROGRAMME}
    extra = _EXTRAS.get(template)
    if extra is not None:
        links = Links(offer_links, status_links or StatusLinks(), review_links or ReviewLinks())
        context.update(extra(facts, language, links))
    return Letter(template=template, language=language, context=context)


Extra = Callable[[Mapping[str, Any], Language, Links], dict[str, Any]]


def _received(facts: Mapping[str, Any], language: Language, links: Links) -> dict[str, Any]:
    # E-mails queued before the received event's time was kept go out without the link.
    submitted_at = facts.get("submitted_at")
    application_id = facts.get("application_id")
    if not (submitted_at and application_id):
        return {"status_url": None}
    when = datetime.fromisoformat(submitted_at)
    return {"status_url": links.status.link(UUID(application_id), when, language)}


def _ineligible(facts: Mapping[str, Any], language: Language, _: Links) -> dict[str, Any]:
    return {"reasons": [reason_text(code, language) for code in facts.get("reasons", [])]}


def _enrolled(facts: Mapping[str, Any], language: Language, _: Links) -> dict[str, Any]:
    return {"modules": [module_text(code, language) for code in facts.get("modules", [])]}


def _offered(facts: Mapping[str, Any], language: Language, links: Links) -> dict[str, Any]:
    expires_at = datetime.fromisoformat(facts["expires_at"])
    return {
        "amount": format_money(facts["amount_cents"], facts["currency"], language),
        "components": [component_text(code, language) for code in facts["components"]],
        "rank": facts["rank"],
        "deadline": format_deadline(expires_at, language),
        **links.offers.links(UUID(facts["offer_id"]), expires_at, language),
    }


def _ranked(facts: Mapping[str, Any], _language: Language, _: Links) -> dict[str, Any]:
    return {"rank": facts["rank"]}


def _invited(facts: Mapping[str, Any], language: Language, links: Links) -> dict[str, Any]:
    expires_at = datetime.fromisoformat(facts["link_expires_at"])
    return {
        "assignments": facts["assignments"],
        "new_assignments": facts["new_assignments"],
        "deadline": format_deadline(expires_at, language),
        "review_url": links.review.link(UUID(facts["seat_id"]), expires_at, language),
    }


_EXTRAS: Final[dict[str, Extra]] = {
    "received": _received,
    "screened_ineligible": _ineligible,
    "enrolled": _enrolled,
    "offered": _offered,
    "waitlisted": _ranked,
    "reviewer_invited": _invited,
}
