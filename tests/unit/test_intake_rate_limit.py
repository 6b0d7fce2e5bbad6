"""Each client may send a burst, then submissions at the configured rate."""

import pytest

from services.intake.entrypoints.rate_limit import TokenBuckets

pytestmark = pytest.mark.unit


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_client_over_its_burst_waits_for_the_rate() -> None:
    clock = FakeMonotonic()
    buckets = TokenBuckets(per_minute=60, burst=3, monotonic=clock)
    assert [buckets.take("10.0.0.1") for _ in range(3)] == [None, None, None]
    assert buckets.take("10.0.0.1") == pytest.approx(1.0)
    clock.now += 1.0
    assert buckets.take("10.0.0.1") is None


def test_clients_are_counted_apart() -> None:
    buckets = TokenBuckets(per_minute=1, burst=1, monotonic=FakeMonotonic())
    assert buckets.take("10.0.0.1") is None
    assert buckets.take("10.0.0.1") is not None
    assert buckets.take("10.0.0.2") is None
