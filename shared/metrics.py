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
EVENT_DELAY = Histogram(
    "accelerator_event_delay_seconds",
    "From an event's time (set by its producer) to its handling here, by type",
    ["service", "event_type"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0),
)
OUTBOX_BACKLOG = Gauge("accelerator_outbox_backlog", "Outbox rows not yet published", ["service"])
CONSUMER_LAG = Gauge(
    "accelerator_consumer_lag",
    "Messages behind the log end on each partition this process consumes, measured every 5 s",
    ["service", "topic", "partition"],
)
