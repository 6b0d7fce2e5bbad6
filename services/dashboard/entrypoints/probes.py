"""What readiness means for the dashboard: it has no database or outbox, so it is ready once
it has read the topics' history and keeps reading. /healthz and /metrics are the shared ones."""

from services.dashboard.adapters.topic_reader import TopicReader
from shared.probes import Checks


def readiness(reader: TopicReader) -> Checks:
    async def checks() -> dict[str, bool]:
        return {"history_read": reader.caught_up, "reading": not reader.failed}

    return checks
