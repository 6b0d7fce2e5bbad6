"""One application per mailbox: addresses that reach the same mailbox share a key."""

import pytest

from services.intake.domain.emails import InvalidEmail, checked_email, email_key

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Ana.Silva@Example.ORG", "ana.silva@example.org"),
        ("ana+accelerator@example.org", "ana@example.org"),
        ("a.n.a@gmail.com", "ana@googlemail.com"),
        ("  ana@example.org ", "ana@example.org"),
    ],
)
def test_the_same_mailbox_written_differently_has_one_key(first: str, second: str) -> None:
    assert email_key(checked_email(first)) == email_key(checked_email(second))


def test_dots_still_count_outside_gmail() -> None:
    assert email_key("a.na@example.org") != email_key("ana@example.org")


def test_the_address_kept_for_sending_keeps_its_local_part() -> None:
    assert checked_email("Ana.Silva+x@Example.ORG") == "Ana.Silva+x@example.org"


@pytest.mark.parametrize(
    "address", ["ana", "ana@", "Ana <ana@example.org>", "ana@localhost", "a" * 250 + "@x.org"]
)
def test_an_address_that_cannot_be_mailed_is_refused(address: str) -> None:
    with pytest.raises(InvalidEmail):
        checked_email(address)
