"""The web form's fields come from the submission model, so the page cannot ask for less or
other than the API; committees are named in the reader's language."""

import pytest

from services.intake.domain.committee_names import committee_names
from services.intake.domain.form_fields import form_fields, submission_body
from services.intake.domain.noc import NOC_CODES
from services.intake.domain.submission import (
    FIRST_CAREER_END_YEAR,
    MAX_PITCH_CHARS,
    MAX_TARGET_MARKETS,
    ApplicationForm,
)

pytestmark = pytest.mark.unit


def test_every_field_of_the_submission_is_on_the_form_with_the_models_limits() -> None:
    fields = {spec.path: spec for spec in form_fields()}
    leaves = {
        f"{name}.{inner}" if hasattr(field.annotation, "model_fields") else name
        for name, field in ApplicationForm.model_fields.items()
        for inner in (getattr(field.annotation, "model_fields", None) or [""])
    }
    assert set(fields) == leaves
    assert fields["business.pitch"].max_length == MAX_PITCH_CHARS
    assert fields["business.target_markets"].max_items == MAX_TARGET_MARKETS
    assert fields["career_end_year"].minimum == FIRST_CAREER_END_YEAR
    assert fields["athlete_status"].choices == (
        "current_olympian",
        "former_olympian",
        "current_paralympian",
        "former_paralympian",
    )
    assert fields["consent.data_processing"].required
    assert not fields["consent.marketing"].required


def test_a_posted_form_becomes_the_apis_body() -> None:
    posted = {
        "athlete_id": ["a365-1"],
        "career_end_year": ["2021"],
        "business.sourcing_needs": ["textiles, packaging"],
        "business.target_markets": ["NED", "USA"],
        "consent.data_processing": ["true"],
        "sport": ["  "],
    }
    body = submission_body(lambda name: posted.get(name, []))
    assert body["athlete_id"] == "a365-1"
    assert body["career_end_year"] == 2021
    assert body["business"]["sourcing_needs"] == ["textiles", "packaging"]
    assert body["business"]["target_markets"] == ["NED", "USA"]
    assert body["consent"] == {"data_processing": True, "marketing": False}
    assert "sport" not in body  # left empty: "required", as the API says of a missing field


@pytest.mark.parametrize(
    ("language", "code", "name"),
    [("de", "GER", "Deutschland"), ("fr", "GER", "Allemagne"), ("es", "SUI", "Suiza")],
)
def test_committees_are_named_in_the_readers_language(language: str, code: str, name: str) -> None:
    names = dict(committee_names(language))
    assert set(names) == NOC_CODES
    assert names[code] == name
    assert names["TPE"] == "Chinese Taipei"
    assert names["KOS"] == "Kosovo"
