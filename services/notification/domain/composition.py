"""What each template is given: the event's facts made readable in the athlete's language."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from uuid import UUID

from shared.formatting import format_deadline, format_money
from shared.languages import Language
from shared.offer_links import offer_links, sign
from shared.phrases import component_text, module_text, reason_text

DEFAULT_PROGRAMME: Final = "Athlete365 Business Accelerator"


class OfferLinksUnavailable(RuntimeError):
    """No signing key is configured, so an offer e-mail cannot carry working links."""


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
) -> Letter:
    context: dict[str, Any] = {"name": name, "programme": programme or DEFAULT_PROGRAMME}
    extra = _EXTRAS.get(template)
    if extra is not None:
        context.update(extra(facts, language, offer_links))
    return Letter(template=template, language=language, context=context)


Extra = Callable[[Mapping[str, Any], Language, OfferLinks], dict[str, Any]]


def _ineligible(facts: Mapping[str, Any], language: Language, _: OfferLinks) -> dict[str, Any]:
    return {"reasons": [reason_text(code, language) for code in facts.get("reasons", [])]}


def _enrolled(facts: Mapping[str, Any], language: Language, _: OfferLinks) -> dict[str, Any]:
    return {"modules": [module_text(code, language) for code in facts.get("modules", [])]}


def _offered(facts: Mapping[str, Any], language: Language, links: OfferLinks) -> dict[str, Any]:
    expires_at = datetime.fromisoformat(facts["expires_at"])
    return {
        "amount": format_money(facts["amount_cents"], facts["currency"], language),
        "components": [component_text(code, language) for code in facts["components"]],
        "rank": facts["rank"],
        "deadline": format_deadline(expires_at, language),
        **links.links(UUID(facts["offer_id"]), expires_at, language),
    }


def _ranked(facts: Mapping[str, Any], _language: Language, _: OfferLinks) -> dict[str, Any]:
    return {"rank": facts["rank"]}


_EXTRAS: Final[dict[str, Extra]] = {
    "screened_ineligible": _ineligible,
    "enrolled": _enrolled,
    "offered": _offered,
    "waitlisted": _ranked,
}
