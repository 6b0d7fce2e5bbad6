"""Writes one claimed notification as the e-mail its recipient will read."""

from collections.abc import Mapping
from email.utils import parseaddr

from services.notification.adapters.notification_rows import Claimed
from services.notification.adapters.renderer import TemplateRenderer
from services.notification.domain.composition import (
    OfferLinks,
    ReviewLinks,
    StatusLinks,
    compose,
)
from services.notification.domain.outgoing import OutgoingEmail, message_id
from shared.languages import Language


class LetterWriter:
    def __init__(
        self,
        *,
        renderer: TemplateRenderer,
        offer_links: OfferLinks,
        status_links: StatusLinks,
        programmes: Mapping[str, str],
        mail_from: str,
        review_links: ReviewLinks | None = None,
    ) -> None:
        self._renderer = renderer
        self._offer_links = offer_links
        self._status_links = status_links
        self._review_links = review_links or ReviewLinks()
        self._programmes = programmes
        self._mail_from = mail_from
        # Message-IDs are minted under the sender's own domain.
        self._domain = parseaddr(mail_from)[1].rpartition("@")[2] or "accelerator.invalid"

    def write(self, row: Claimed, language: Language) -> OutgoingEmail:
        letter = compose(
            row.template,
            row.facts,
            name=row.full_name,
            language=language,
            programme=self._programmes.get(row.edition_id or ""),
            offer_links=self._offer_links,
            status_links=self._status_links,
            review_links=self._review_links,
        )
        rendered = self._renderer.render(letter)
        return OutgoingEmail(
            message_id=message_id(row.notification_id, self._domain),
            sender=self._mail_from,
            subject=rendered.subject,
            language=language,
            recipient_name=row.full_name,
            recipient_address=row.email,
            text=rendered.text,
            html=rendered.html,
        )
