"""Request and response bodies of grant's HTTP API."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

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


def _text_only(value: object) -> object:
    # JSON has no time type: without this, pydantic's lax mode would read 0, 1.8e9 or "8" as
    # a Unix time, which the schema (a date-time string) does not allow.
    if value is None:
        return value
    try:
        if isinstance(value, str):
            datetime.fromisoformat(value)
            return value
    except ValueError:
        pass
    raise ValueError("a time must be an ISO 8601 string with its offset, e.g. 2027-10-01T00:00:00Z")


class ExpireIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: Annotated[AwareDatetime | None, BeforeValidator(_text_only)] = Field(
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


class OfferAnswerOut(BaseModel):
    model_config = _FROM_HANDLERS

    offer_id: UUID
    edition_id: str
    state: str
    decided_at: datetime | None


class Problem(BaseModel):
    detail: str
