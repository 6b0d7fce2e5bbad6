"""The duplicate rule over a whole import chunk: one application per athlete id and mailbox."""

import pytest

from services.intake.domain.application import AppliedAlready
from tests.unit.test_intake_screening import form

pytestmark = pytest.mark.unit


def test_the_first_application_of_an_athlete_in_a_chunk_is_kept() -> None:
    taken = AppliedAlready(athlete_ids=set(), email_keys=set())

    first = taken.claim(form(athlete_id="A365-000001", email="ana@example.org"))
    same_athlete = taken.claim(form(athlete_id="A365-000001", email="other@example.org"))
    same_mailbox = taken.claim(form(athlete_id="A365-000002", email="Ana+bis@Example.org"))
    someone_else = taken.claim(form(athlete_id="A365-000003", email="bo@example.org"))

    assert [first, same_athlete, same_mailbox, someone_else] == [None, "athlete_id", "email", None]


def test_athletes_and_mailboxes_stored_before_are_duplicates() -> None:
    taken = AppliedAlready(athlete_ids={"A365-000001"}, email_keys={"anaruiz@gmail.com"})

    assert taken.claim(form(athlete_id="A365-000001", email="new@example.org")) == "athlete_id"
    assert taken.claim(form(athlete_id="A365-000009", email="Ana.Ruiz@googlemail.com")) == "email"
    assert taken.claim(form(athlete_id="A365-000010", email="ruiz@example.org")) is None


def test_a_rejected_duplicate_takes_nothing_for_later_rows() -> None:
    taken = AppliedAlready(athlete_ids={"A365-000001"}, email_keys=set())

    assert taken.claim(form(athlete_id="A365-000001", email="fresh@example.org")) == "athlete_id"
    assert taken.claim(form(athlete_id="A365-000002", email="fresh@example.org")) is None
