"""The application form is strict, and every problem names its field in plain words."""

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from services.intake.domain.noc import UnknownCountry, market_code
from services.intake.domain.problems import FieldProblem, problems_from
from services.intake.domain.submission import ApplicationForm, FutureCareerEnd

pytestmark = pytest.mark.unit


def body(**changes: Any) -> dict[str, Any]:
    """The example body of docs/architecture.md#applications, with top-level or
    "business.x"/"consent.x" changes."""
    base: dict[str, Any] = {
        "athlete_id": "A365-004711",
        "full_name": "Example Athlete",
        "email": "athlete@example.org",
        "language": "fr",
        "country": "FRA",
        "sport": "Judo",
        "athlete_status": "former_olympian",
        "career_end_year": 2021,
        "business": {
            "name": "Tatami Supply",
            "sector": "sporting_goods",
            "stage": "revenue",
            "pitch": "Tatami mats sourced for clubs across Europe.",
            "sourcing_needs": ["textiles"],
            "target_markets": ["DEU", "USA"],
        },
        "consent": {"data_processing": True, "marketing": False},
    }
    for key, value in changes.items():
        section, _, name = key.partition("__")
        if name:
            base[section][name] = value
        elif value is ...:
            del base[key]
        else:
            base[key] = value
    return base


def problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        ApplicationForm.model_validate(data)
    return {p.field: p.problem for p in problems_from(caught.value.errors(include_url=False))}


def test_the_design_example_is_accepted_with_markets_as_ioc_codes() -> None:
    form = ApplicationForm.model_validate(body())
    assert form.athlete_id == "A365-004711"
    assert form.business.target_markets == ["GER", "USA"]
    assert form.language == "fr"


def test_an_unknown_field_is_rejected_by_name() -> None:
    assert problems(body(nickname="Ace")) == {"nickname": "is not a field of the application form"}
    assert "business.website" in problems(body(business__website="x.org"))


def test_a_number_sent_as_a_string_is_a_wrong_type() -> None:
    assert problems(body(career_end_year="2021")) == {"career_end_year": "must be a whole number"}
    assert problems(body(consent__marketing="no")) == {"consent.marketing": "must be true or false"}


def test_a_country_must_be_an_ioc_code_and_an_iso_code_gets_a_hint() -> None:
    assert problems(body(country="XYZ")) == {
        "country": "'XYZ' is not the IOC code of a National Olympic Committee"
    }
    assert problems(body(country="France")) == {
        "country": "'France' is not the IOC code of a National Olympic Committee"
    }
    assert problems(body(country="DEU")) == {
        "country": "'DEU' is an ISO country code; the IOC code is 'GER'"
    }
    assert "business.target_markets[1]" in problems(body(business__target_markets=["FRA", "ZZZ"]))


def test_a_market_listed_twice_is_rejected() -> None:
    assert problems(body(business__target_markets=["GER", "DEU"])) == {
        "business.target_markets": "lists GER more than once"
    }


def test_career_end_year_must_match_the_athlete_status() -> None:
    assert problems(body(athlete_status="current_paralympian")) == {
        "career_end_year": "must be null for a current athlete (current_paralympian)"
    }
    assert problems(body(career_end_year=None)) == {
        "career_end_year": "is required for a former athlete (former_olympian)"
    }
    current = ApplicationForm.model_validate(
        body(athlete_status="current_olympian", career_end_year=...)
    )
    assert current.career_end_year is None


def test_career_end_year_is_bounded_by_1950_and_this_year() -> None:
    assert problems(body(career_end_year=1949)) == {
        "career_end_year": "Input should be greater than or equal to 1950"
    }
    form = ApplicationForm.model_validate(body(career_end_year=2027))
    with pytest.raises(FutureCareerEnd, match="not be later than the current year \\(2026\\)"):
        form.checked_against(this_year=2026)
    assert form.checked_against(this_year=2027) is form


def test_an_oversize_pitch_and_an_empty_name_are_rejected() -> None:
    assert problems(body(business__pitch="x" * 4001, full_name="   ")) == {
        "business.pitch": "must be at most 4000 characters",
        "full_name": "must not be empty",
    }


def test_free_text_is_kept_trimmed_and_a_pitch_may_have_a_browsers_line_breaks() -> None:
    form = ApplicationForm.model_validate(
        body(full_name=" Ana Silva ", business__pitch="Mats.\r\nFor clubs.\r\n")
    )
    assert (form.full_name, form.business.pitch) == ("Ana Silva", "Mats.\r\nFor clubs.")
    assert problems(body(sport=" J ")) == {"sport": "must be at least 2 characters"}
    assert problems(body(full_name="Ana\r\nSilva")) == {
        "full_name": "must be a single line without control characters"
    }


def test_codes_are_taken_as_written() -> None:
    assert problems(body(country="fra", business__sector=" textiles")) == {
        "country": "'fra' is not the IOC code of a National Olympic Committee; did you mean"
        " 'FRA'? Codes are upper case",
        "business.sector": "must be a lower-case slug of letters, digits and _, like"
        " sporting_goods",
    }


def test_consent_to_data_processing_is_required() -> None:
    assert problems(body(consent__data_processing=False)) == {
        "consent.data_processing": "consent to data processing is required to apply"
    }
    assert problems(body(consent={"marketing": True})) == {"consent.data_processing": "is required"}


@pytest.mark.parametrize(
    ("given", "served"),
    [("fr", "fr"), ("de-CH", "de"), ("EN", "en"), ("es-AR", "es"), ("pt-BR", "en"), (..., "en")],
)
def test_a_language_other_than_en_fr_de_es_falls_back_to_en(given: object, served: str) -> None:
    assert ApplicationForm.model_validate(body(language=given)).language == served


def test_a_malformed_language_or_email_is_rejected() -> None:
    found = problems(body(language="french!", email="not-an-address"))
    assert set(found) == {"language", "email"}
    assert "@-sign" in found["email"]


def test_every_problem_names_its_field() -> None:
    messy = body(
        athlete_id="!",
        sport="",
        athlete_status="retired",
        business__stage="unicorn",
        business__sector="Sporting Goods",
        business__sourcing_needs=["x" * 51],
        consent="yes",
    )
    found = problems(messy)
    assert set(found) == {
        "athlete_id",
        "sport",
        "athlete_status",
        "business.stage",
        "business.sector",
        "business.sourcing_needs[0]",
        "consent",
    }
    assert found["athlete_id"] == "must be 3-40 letters, digits or hyphens, like A365-004711"
    assert "'current_olympian'" in found["athlete_status"]


def test_fastapi_locations_lose_their_body_prefix_and_bad_json_names_the_body() -> None:
    assert problems_from(
        [{"type": "json_invalid", "loc": ("body", 7), "msg": "JSON decode error", "ctx": {}}],
        drop_prefix="body",
    ) == [FieldProblem("(body)", "is not valid JSON: JSON decode error", "json_invalid")]


# What the form's schema says and what the model does agree, for any value of a field: the
# OpenAPI document (and schemathesis, which generates requests from it) can rely on it.
_SCHEMA = ApplicationForm.model_json_schema()
_VALIDATOR = Draft202012Validator(_SCHEMA)
_AWKWARD = st.text(
    st.sampled_from([*"aZ0-_ é", "\t", "\n", "\r", "\x00", "\x1f", "\x7f", "\u00a0", "\u2028"]),
    max_size=6,
)
_TEXTS = st.one_of(
    _AWKWARD,
    st.builds(lambda a, n, b: a + "x" * n + b, _AWKWARD, st.integers(0, 4_010), _AWKWARD),
)
_CODES = st.one_of(
    st.sampled_from(["FRA", "fra", "DEU", " GER", "MAC", "ZZZ", ""]), st.text(max_size=4)
)
_VALUES = {
    "athlete_id": st.one_of(_TEXTS, st.sampled_from(["a365-1", "A365-004711", "-A1", "A1"])),
    "full_name": _TEXTS,
    "sport": _TEXTS,
    "business__name": _TEXTS,
    "business__pitch": _TEXTS,
    "business__sector": st.one_of(_TEXTS, st.sampled_from(["sporting_goods", "Goods", "a"])),
    "language": st.one_of(_TEXTS, st.sampled_from(["fr", "de-CH", "pt-BR", "fr-", "x"])),
    "country": _CODES,
    "business__target_markets": st.lists(_CODES, max_size=3, unique=True),
    "career_end_year": st.one_of(st.none(), st.integers(1940, 2030), st.sampled_from(["2021"])),
    "athlete_status": st.sampled_from(["current_olympian", "former_paralympian", "retired"]),
}


def _distinct_markets(data: dict[str, Any]) -> bool:
    """Two spellings of one market (DEU, GER) are the one rule the schema cannot state."""
    markets = data["business"]["target_markets"]
    try:
        return len({market_code(m) for m in markets}) == len(markets)
    except UnknownCountry:
        return True


@settings(max_examples=400, deadline=None)
@given(field=st.sampled_from(sorted(_VALUES)), data=st.data())
def test_the_schema_accepts_exactly_what_the_model_accepts(field: str, data: Any) -> None:
    changed = body(**{field: data.draw(_VALUES[field], label=field)})
    assume(_distinct_markets(changed))
    try:
        ApplicationForm.model_validate(changed)
        accepted = True
    except ValidationError:
        accepted = False
    assert _VALIDATOR.is_valid(changed) == accepted
