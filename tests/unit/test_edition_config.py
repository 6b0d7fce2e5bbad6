"""Edition files are validated at start-up with every problem named."""

from pathlib import Path

import pytest

from shared.editions import DEFAULT_EDITIONS_DIR, EditionConfigError, load_edition, load_editions

pytestmark = pytest.mark.unit

DEMO = DEFAULT_EDITIONS_DIR / "athlete365-4.toml"


def test_the_demo_edition_offers_fifty_packages_of_ten_thousand_dollars() -> None:
    edition = load_editions()["athlete365-4"]
    assert edition.grant_capacity == 50
    assert edition.package_value_cents == 1_000_000
    assert edition.currency == "USD"
    assert edition.budget_cents == 50 * 1_000_000
    assert sum(edition.rubric.weights.values()) == 100


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = DEMO.read_text()
    assert old in text
    path = tmp_path / "edition.toml"
    path.write_text(text.replace(old, new))
    return path


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("grant_capacity = 50", "grant_capacity = 0", "grant_capacity"),
        ("grant_capacity = 50", "grant_capacity = 50\ncolour = 'red'", "colour: Extra inputs"),
        ("business_stage = 25", "business_stage = 30", "add up to 100"),
        ('currency = "USD"', 'currency = "dollars"', "currency"),
        ("closes_at = 2027-08-31T23:59:59Z", "closes_at = 2026-01-01T00:00:00Z", "after opens_at"),
        ('id = "athlete365-4"', 'id = "athlete365-4', "not valid TOML"),
    ],
)
def test_a_bad_edition_file_names_the_file_and_the_problem(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    path = _variant(tmp_path, old, new)
    with pytest.raises(EditionConfigError) as error:
        load_edition(path)
    assert str(path) in str(error.value)
    assert problem in str(error.value)
