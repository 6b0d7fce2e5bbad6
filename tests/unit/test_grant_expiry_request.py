"""The body of `POST /v1/editions/{id}/expire-overdue` takes a time only as its schema says:
an ISO 8601 string with its offset, never a number or a numeric string read as a Unix time."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from services.grant.entrypoints.schemas import ExpireIn

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("as_of", [0, 1.8e9, "8", "1800000000", "next week", "2027-10-01T00:00:00"])
def test_a_time_that_is_not_an_iso_string_with_its_offset_is_refused(as_of: object) -> None:
    with pytest.raises(ValidationError) as refused:
        ExpireIn.model_validate({"as_of": as_of})
    assert refused.value.errors()[0]["loc"] == ("as_of",)


def test_an_iso_time_with_its_offset_or_none_is_taken() -> None:
    assert ExpireIn.model_validate({"as_of": "2027-10-01T00:00:00Z"}).as_of == datetime(
        2027, 10, 1, tzinfo=UTC
    )
    assert ExpireIn.model_validate({}).as_of is None
