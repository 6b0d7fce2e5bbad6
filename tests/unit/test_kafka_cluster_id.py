import base64
import uuid

import pytest

from infra.kafka import new_cluster_id

pytestmark = pytest.mark.unit


def test_cluster_ids_are_never_read_as_an_option_by_the_storage_tool() -> None:
    # One random id in 64 used to start with "-"; in 5,000 draws that would all but surely show.
    ids = [new_cluster_id() for _ in range(5_000)]

    assert not [cluster_id for cluster_id in ids if cluster_id.startswith("-")]
    assert len(set(ids)) == len(ids)


def test_a_cluster_id_is_a_uuid_in_url_safe_base64() -> None:
    cluster_id = new_cluster_id()

    assert len(cluster_id) == 22
    uuid.UUID(bytes=base64.urlsafe_b64decode(cluster_id + "=="))
