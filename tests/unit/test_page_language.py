"""The language a page opens in: the link's choice, else the browser's, else English; and the
durations pages write with it."""

from datetime import timedelta

import pytest

from shared.formatting import format_time_left
from shared.languages import accepted_languages, page_language

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("chosen", "header", "expected"),
    [
        ("fr", "de-DE,de;q=0.9", "fr"),  # the link knows the athlete's language
        (None, "de-CH, fr;q=0.8, en;q=0.5", "de"),
        (None, "it, fr;q=0.4, de;q=0.7", "de"),  # by weight, not by position
        (None, "fr;q=0, de", "de"),  # q=0: not this one
        ("xx", "pt-BR", "en"),
        (None, None, "en"),
        (None, "*", "en"),
        (None, "de;q=bogus, fr", "fr"),
    ],
)
def test_a_page_speaks_the_link_then_the_browser_then_english(
    chosen: str | None, header: str | None, expected: str
) -> None:
    assert page_language(chosen, header) == expected


def test_accept_language_keeps_the_order_of_equal_weights() -> None:
    assert accepted_languages("fr-CH, fr;q=0.9, en") == ["fr-CH", "en", "fr"]


@pytest.mark.parametrize(
    ("left", "language", "expected"),
    [
        (timedelta(days=13, hours=5, minutes=59), "en", "13 days, 5 hours"),
        (timedelta(days=13, hours=5), "fr", "13\u00a0jours et 5\u00a0heures"),
        (timedelta(days=2), "de", "2 Tage"),
        (timedelta(hours=36), "en", "1 day, 12 hours"),
        (timedelta(minutes=7, seconds=30), "en", "7 minutes"),
        (timedelta(seconds=-5), "fr", "1 minute"),
    ],
)
def test_time_left_is_days_and_hours_in_the_readers_words(
    left: timedelta, language: str, expected: str
) -> None:
    assert format_time_left(left, language) == expected  # type: ignore[arg-type]
