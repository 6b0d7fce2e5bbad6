"""CloudEvents 1.0 envelope in structured JSON mode, as carried on every public topic."""

from datetime import UTC, datetime
from typing import Any, Final, Literal
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

CONTENT_TYPE: Final = "application/cloudevents+json; charset=UTF-8"


class MalformedEvent(ValueError):
    """The bytes are not a CloudEvent this project can read; retrying will not help."""


class CloudEvent(BaseModel):
    """One event on the wire. Unknown extensions are kept so consumers stay forward-compatible."""

    model_config = ConfigDict(extra="allow", frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: UUID = Field(default_factory=uuid4, description="Unique per event; consumers dedupe on it.")
    source: str = Field(description="The producing service.", examples=["/accelerator/intake"])
    type: str = Field(examples=["accelerator.application.received.v1"])
    subject: str = Field(description="The aggregate id; also the Kafka key.")
    time: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]
    correlationid: str = Field(description="Follows one request through every service.")
    editionid: str | None = Field(default=None, description="The programme edition, when known.")

    def to_bytes(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()

    @classmethod
    def from_bytes(cls, raw: bytes | None) -> "CloudEvent":
        if raw is None:
            raise MalformedEvent("empty message value (tombstone) where an event was expected")
        try:
            return cls.model_validate_json(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}"
                for err in exc.errors(include_url=False)
            )
            raise MalformedEvent(f"not a CloudEvent: {problems}") from exc


def service_source(service: str) -> str:
    return f"/accelerator/{service}"
