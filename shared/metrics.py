"""Prometheus metrics every service exposes on /metrics; labelled by service."""

from prometheus_client import Counter, Gauge, Histogram

EVENTS_CONSUMED = Counter(
    "accelerator_events_consumed_total", "Events handled, by type", ["service", "event_type"]
)
EVENTS_DUPLICATE = Counter(
    "accelerator_events_duplicate_total", "Redelivered events skipped by the inbox", ["service"]
)
EVENTS_PUBLISHED = Counter(
    "accelerator_events_published_total",
    "Events published from the outbox, by topic and type",
    ["service", "topic", "event_type"],
)
DEAD_LETTERS = Counter(
    "accelerator_dead_letters_total", "Messages sent to the DLQ", ["service", "topic"]
)
HANDLER_SECONDS = Histogram(
    "accelerator_batch_seconds", "Time to handle one consumed batch", ["service"]
)
OUTBOX_BACKLOG = Gauge("accelerator_outbox_backlog", "Outbox rows not yet published", ["service"])
CONSUMER_LAG = Gauge(
    "accelerator_consumer_lag", "Messages behind the log end", ["service", "topic", "partition"]
)
