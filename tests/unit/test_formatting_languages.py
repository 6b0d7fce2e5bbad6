"""Money, deadlines and time left are written in every served language, Spanish included,
from Babel's CLDR data."""

from datetime import UTC, datetime, timedelta

import pytest

from shared.formatting import format_deadline, format_money, format_time_left
from shared.languages import SUPPORTED, Language

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("language", SUPPORTED)
def test_every_served_language_writes_money_deadlines_and_time_left(language: Language) -> None:
    assert "10" in format_money(1_000_000, "USD", language)
    assert "2026" in format_deadline(datetime(2026, 10, 1, 12, tzinfo=UTC), language)
    assert format_time_left(timedelta(days=3, hours=2), language)
    assert format_time_left(timedelta(minutes=20), language)


def test_spanish_joins_the_parts_of_time_left() -> None:
    assert format_time_left(timedelta(days=3, hours=2), "es") == "3 días y 2 horas"
    assert format_money(1_000_000, "USD", "es") == "10.000\u00a0US$"
