"""The picture of an edition now, and whether it changed since the page last asked."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from services.dashboard.domain.picture import DashboardView, ServiceLag
from services.dashboard.domain.projection import Projection


class History(Protocol):
    caught_up: bool


class LagSource(Protocol):
    latest: list[ServiceLag]
    checked_at: datetime | None


@dataclass(frozen=True)
class Dashboard:
    projection: Projection
    history: History
    lag: LagSource
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    def view(self, edition_id: str | None) -> DashboardView:
        return self.projection.view(
            edition_id=edition_id,
            now=self.now(),
            caught_up=self.history.caught_up,
            consumer_lag=self.lag.latest,
            lag_checked_at=self.lag.checked_at,
        )

    def change_stamp(self) -> tuple[int, bool, datetime | None]:
        """Differs whenever anything the page shows may have changed."""
        return self.projection.version, self.history.caught_up, self.lag.checked_at
