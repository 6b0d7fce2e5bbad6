"""Offer links: signed with the shared key, naming one offer and its deadline."""

import base64
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.offer_links import (
    TOKEN_LENGTH,
    ForgedToken,
    OfferClaim,
    offer_links,
    sign,
    verify,
)

pytestmark = pytest.mark.unit

KEY = "a-signing-key-shared-by-grant-and-notification"
DEADLINE = datetime(2027, 9, 15, 12, 0, tzinfo=UTC)


def test_a_signed_token_names_its_offer_and_deadline() -> None:
    offer_id = uuid4()
    token = sign(offer_id, DEADLINE, key=KEY)
    assert len(token) == TOKEN_LENGTH
    assert verify(token, key=KEY) == OfferClaim(offer_id, DEADLINE)


def test_the_algorithm_is_stable_so_notification_derives_the_same_links() -> None:
    token = sign(UUID(int=1), DEADLINE, key="k")
    assert token == sign(UUID(int=1), DEADLINE, key="k")
    raw = base64.urlsafe_b64decode(token + "=")
    assert raw[0] == 1
    assert raw[1:17] == UUID(int=1).bytes
    assert int.from_bytes(raw[17:25], "big") == int(DEADLINE.timestamp())
    assert offer_links("http://grant:8000/", token, "fr") == {
        "accept": f"http://grant:8000/offers/{token}?lang=fr",
        "decline": f"http://grant:8000/offers/{token}/decline?lang=fr",
    }


def test_a_token_signed_with_another_key_is_forged() -> None:
    token = sign(uuid4(), DEADLINE, key="someone-elses-key")
    with pytest.raises(ForgedToken):
        verify(token, key=KEY)


@given(st.integers(0, TOKEN_LENGTH - 1), st.sampled_from("AQgw_-"))
def test_changing_any_character_forges_the_token(position: int, replacement: str) -> None:
    token = sign(UUID(int=7), DEADLINE, key=KEY)
    tampered = token[:position] + replacement + token[position + 1 :]
    if tampered != token:
        with pytest.raises(ForgedToken):
            verify(tampered, key=KEY)


def test_a_later_deadline_cannot_be_written_into_a_token() -> None:
    offer_id = uuid4()
    genuine = base64.urlsafe_b64decode(sign(offer_id, DEADLINE, key=KEY) + "=")
    later = int(DEADLINE.timestamp() + 86_400).to_bytes(8, "big")
    forged = base64.urlsafe_b64encode(genuine[:17] + later + genuine[25:]).decode()
    with pytest.raises(ForgedToken):
        verify(forged, key=KEY)


@pytest.mark.parametrize("token", ["", "short", "x" * TOKEN_LENGTH + "y", "!" * TOKEN_LENGTH])
def test_malformed_tokens_are_forged(token: str) -> None:
    with pytest.raises(ForgedToken):
        verify(token, key=KEY)


def test_no_token_is_signed_or_accepted_without_a_key() -> None:
    with pytest.raises(ValueError, match="signing key"):
        sign(uuid4(), DEADLINE, key="")
