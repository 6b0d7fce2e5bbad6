"""Prometheus counters of what happens to e-mails, next to the shared kit's on /metrics."""

from prometheus_client import Counter

SENT = Counter(
    "accelerator_notifications_sent_total", "E-mails accepted by SMTP", ["template", "language"]
)
RETRIED = Counter(
    "accelerator_notifications_retried_total", "Attempts that will be tried again", ["template"]
)
FAILED = Counter(
    "accelerator_notifications_failed_total", "E-mails given up for good", ["template", "error"]
)
IN_DOUBT = Counter(
    "accelerator_notifications_in_doubt_total",
    "Re-sends of an e-mail whose earlier attempt never reported back (may arrive twice)",
)
