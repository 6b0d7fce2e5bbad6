"""Composition root of the notification service: the one place its parts are wired together."""

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from pydantic import Field, SecretStr

from services.notification.adapters.dead_letters import NotificationDeadLetters
from services.notification.adapters.renderer import TemplateRenderer
from services.notification.adapters.smtp_mailer import SmtpMailer
from services.notification.domain.composition import OfferLinks, ReviewLinks, StatusLinks
from services.notification.domain.delivery import RetryPolicy
from services.notification.entrypoints import admin_routes, consumer
from services.notification.entrypoints.sender_loop import SenderLoop
from services.notification.handlers import LetterWriter, Sender, SenderConfig, Settlement
from shared import topics
from shared.clock import SystemClock
from shared.editions import DEFAULT_EDITIONS_DIR, load_editions
from shared.logs import get_logger
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings

log = get_logger(__name__)

SERVICE = "notification"


class NotificationSettings(ServiceSettings):
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_timeout_s: float = Field(default=15.0, gt=0)
    smtp_start_tls: bool | None = Field(default=None, description="None: if the server offers it")
    mail_from: str = "Athlete365 Business Accelerator <no-reply@accelerator.athlete365.example>"
    grant_url: str = Field(default="", description="public base URL of the grant service")
    offer_signing_key: SecretStr = Field(default=SecretStr(""), description="HMAC key of offers")
    intake_url: str = Field(default="", description="public base URL of the intake service")
    status_link_key: SecretStr = Field(
        default=SecretStr(""), description="HMAC key of the athletes' status links (intake's)"
    )
    scoring_url: str = Field(
        default="", description="public base URL of scoring's review pages, for reviewer links"
    )
    review_link_key: SecretStr = Field(
        default=SecretStr(""), description="HMAC key of the reviewers' links (scoring checks it)"
    )
    # Unset, the admin API accepts nobody.
    admin_token: SecretStr = Field(default=SecretStr(""), description="bearer for admins")
    editions_dir: Path = DEFAULT_EDITIONS_DIR
    send_batch_size: int = Field(default=200, ge=1, le=1000)
    send_sessions: int = Field(
        default=4, ge=1, le=32, description="SMTP sessions a sender holds at once"
    )
    send_poll_interval_s: float = Field(default=0.5, gt=0)
    send_lease_s: float = Field(
        default=120.0, gt=0, description="how long a claimed e-mail is held by one sender"
    )
    # With these, an SMTP outage of about 1.7 hours is ridden out before e-mails fail.
    send_max_attempts: int = Field(default=12, ge=1)
    send_retry_base_s: float = Field(default=5.0, gt=0)
    send_retry_max_s: float = Field(default=1800.0, gt=0)
    contact_wait_s: float = Field(
        default=72 * 3600.0, gt=0, description="give up on an e-mail whose contact never came"
    )


def build_app(settings: NotificationSettings) -> FastAPI:
    editions = load_editions(settings.editions_dir)
    runtime = ServiceRuntime(
        service=SERVICE, settings=settings, migrations_package="services.notification.migrations"
    )
    clock = SystemClock()
    offer_links = OfferLinks(
        base_url=settings.grant_url, key=settings.offer_signing_key.get_secret_value()
    )
    review_links = ReviewLinks(
        base_url=settings.scoring_url, key=settings.review_link_key.get_secret_value()
    )
    settlement = Settlement(
        pool=lambda: runtime.pool,
        dead_letters=lambda: NotificationDeadLetters(
            producer=runtime.producer, service=SERVICE, group_id=SERVICE
        ),
        policy=RetryPolicy(
            max_attempts=settings.send_max_attempts,
            base_s=settings.send_retry_base_s,
            max_s=settings.send_retry_max_s,
        ),
        clock=clock,
    )
    sender = Sender(
        pool=lambda: runtime.pool,
        mailer=SmtpMailer(
            host=settings.smtp_host,
            port=settings.smtp_port,
            timeout_s=settings.smtp_timeout_s,
            start_tls=settings.smtp_start_tls,
        ),
        writer=LetterWriter(
            renderer=TemplateRenderer(),
            offer_links=offer_links,
            status_links=StatusLinks(
                base_url=settings.intake_url, key=settings.status_link_key.get_secret_value()
            ),
            programmes={e.id: e.name for e in editions.values()},
            mail_from=settings.mail_from,
            review_links=review_links,
        ),
        settlement=settlement,
        clock=clock,
        config=SenderConfig(
            batch_size=settings.send_batch_size,
            lease=timedelta(seconds=settings.send_lease_s),
            sessions=settings.send_sessions,
        ),
    )
    loop = SenderLoop(
        sender=sender,
        settlement=settlement,
        batch_size=settings.send_batch_size,
        poll_interval_s=settings.send_poll_interval_s,
        contact_wait=timedelta(seconds=settings.contact_wait_s),
    )

    async def start_sending() -> None:
        if not (offer_links.base_url and offer_links.key):
            log.error("GRANT_URL or OFFER_SIGNING_KEY is not set: offer e-mails cannot be sent")
        if not (settings.intake_url and settings.status_link_key.get_secret_value()):
            log.warning("INTAKE_URL or STATUS_LINK_KEY is not set: no status link in e-mails")
        if not (review_links.base_url and review_links.key):
            log.error("SCORING_URL or REVIEW_LINK_KEY is not set: reviewers cannot be invited")
        loop.start()

    runtime.on_startup(start_sending)
    runtime.consume(
        topics.CONTACTS,
        topics.APPLICATIONS,
        topics.TRAINING,
        topics.GRANTS,
        topics.REVIEWS,
        handler=consumer.batch_handler(clock),
        tombstone_handler=consumer.tombstone_handler(clock),
        description=(
            "Contacts, every athlete-facing event and the reviewers' invitations:"
            " each becomes one queued e-mail."
        ),
    )
    admin = admin_routes.router(
        pool=lambda: runtime.pool, clock=clock, admin_token=settings.admin_token.get_secret_value()
    )
    runtime.on_shutdown(loop.stop)
    return runtime.create_app([admin])
