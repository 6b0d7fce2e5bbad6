"""The committed AsyncAPI and OpenAPI documents are exactly what the code generates."""

import pytest

from infra.contract_docs import main

pytestmark = pytest.mark.deploy


def test_committed_contract_documents_match_the_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0, capsys.readouterr().err


def test_asyncapi_documents_every_event_type_on_its_topic() -> None:
    from infra.contract_docs import ASYNCAPI
    from shared.events.contracts import PAYLOAD_TYPES

    document = ASYNCAPI.read_text()
    for payload_type in PAYLOAD_TYPES.values():
        assert f"{payload_type.topic}:{payload_type.event_type}" in document
