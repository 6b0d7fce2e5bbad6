-- No unique key on event_id on purpose: applying an event twice must show as two rows.
CREATE TABLE applied (
    event_id   uuid        NOT NULL,
    subject    text        NOT NULL,
    topic      text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
