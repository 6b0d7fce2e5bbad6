"""The suite's applicants come from many committees, so a close can offer many packages."""

from collections import Counter

import pytest

from bench.applicants import applications, countries, country_weights, csv_chunk
from services.intake.domain.csv_rows import COLUMNS
from services.intake.domain.noc import NOC_CODES

pytestmark = pytest.mark.unit


def test_applicants_spread_over_many_committees_with_none_dominating() -> None:
    drawn = Counter(countries(1000))
    assert set(drawn) <= NOC_CODES
    assert len(drawn) >= 100  # out of 206
    assert drawn.most_common(1)[0][1] < 250


def test_enough_committees_for_the_demo_close_to_fill_its_fifty_packages_at_four_each() -> None:
    drawn = Counter(countries(1000))
    assert sum(min(4, n) for n in drawn.values()) >= 50


def test_the_spread_is_the_same_for_the_same_seed_and_differs_for_another() -> None:
    assert countries(500) == countries(500)
    assert countries(500, seed=1) != countries(500, seed=2)


def test_weights_fall_with_the_rank() -> None:
    weights = country_weights(["A", "B", "C"])
    assert weights == sorted(weights, reverse=True)
    assert weights[0] == 1.0


def test_each_application_keeps_its_country_into_the_csv_chunk() -> None:
    batch = applications("RUN1", 3)
    lines = csv_chunk(batch).decode().splitlines()
    assert lines[0].split(",") == list(COLUMNS)
    country_at = list(COLUMNS).index("country")
    assert [line.split(",")[country_at] for line in lines[1:]] == [a["country"] for a in batch]
