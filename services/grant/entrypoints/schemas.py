"""Request and response bodies of grant's HTTP API."""

from datetime import datetime
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

_FROM_HANDLERS = ConfigDict(from_attributes=True)


class ClosingOut(BaseModel):
    """The outcome of closing an edition; repeating the call returns the same."""

    model_config = _FROM_HANDLERS

    edition_id: str
    closed_at: datetime
    ranked: int = Field(description="Eligible, scored applications in the ranking.")
    unranked: int = Field(description="Eligible applications not yet scored at closing.")
    offered_at_close: int
    waitlisted_at_close: int


class OpeningOut(BaseModel):
    """Where an opened edition stands; repeating the call changes nothing."""

    model_config = _FROM_HANDLERS

    edition_id: str
    opened_now: bool = Field(
        description="True when this call announced it (edition.opened); false when it was open."
    )
    opened_at: datetime
    opens_at: datetime = Field(description="Intake takes applications from then (edition file).")
    closes_at: datetime = Field(description="... until then, or until the edition is closed.")


class ExpireIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: AwareDatetime | None = Field(
        default=None,
        description="Expire open offers whose deadline is not after this time (default: now). "
        "A future time moves the clock forward for this edition's new offers.",
        examples=["2027-10-01T00:00:00Z"],
    )


class ExpiredOffer(BaseModel):
    model_config = _FROM_HANDLERS

    offer_id: UUID
    application_id: UUID
    rank: int


class ExpiryOut(BaseModel):
    model_config = _FROM_HANDLERS

    edition_id: str
    as_of: datetime
    expired: list[ExpiredOffer]
    offered: int = Field(description="Offers made from the waitlist in their place.")


class OfferLineOut(BaseModel):
    model_config = _FROM_HANDLERS

    offer_id: UUID
    application_id: UUID
    rank: int
    country: str
    state: str
    amount_cents: int
    offered_at: datetime
    expires_at: datetime
    decided_at: datetime | None
    seconds_left: int | None = Field(description="Until the deadline; open offers only.")


class WaitlistLineOut(BaseModel):
    model_config = _FROM_HANDLERS

    application_id: UUID
    rank: int
    country: str
    score_total: float | None


class StandingsOut(BaseModel):
    model_config = _FROM_HANDLERS

    edition_id: str
    state: str
    closed_at: datetime | None
    settled: bool = Field(description="Everyone never offered has been told: no more changes.")
    currency: str | None
    capacity: int | None
    budget_cents: int
    committed_cents: int = Field(description="Value of open and accepted offers.")
    accepted_cents: int
    applications: dict[str, int] = Field(
        description="What grant has consumed for the edition: received, eligible, scored, "
        "withdrawn. Wait for these to settle before closing."
    )
    candidates: dict[str, int]
    offers_by_state: dict[str, int]
    offers: list[OfferLineOut] = Field(description="In rank order.")
    waitlist: list[WaitlistLineOut] = Field(description="Best first.")


class OfferAnswerOut(BaseModel):
    model_config = _FROM_HANDLERS

    offer_id: UUID
    edition_id: str
    state: str
    decided_at: datetime | None


class Problem(BaseModel):
    detail: str
