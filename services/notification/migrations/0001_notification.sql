-- The notification service's own state. Personal data lives in `contacts` only: a
-- notification holds the event's facts and is joined to its contact when it is sent.

CREATE TABLE contacts (
    applicant_id    text        PRIMARY KEY,
    full_name       text        NOT NULL,
    email           text        NOT NULL,
    language        text        NOT NULL,
    -- Where this version came from on the compacted contacts topic: a redelivered older
    -- record (a tombstone above all) must never undo a newer one.
    kafka_partition integer     NOT NULL,
    kafka_offset    bigint      NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Events carry an application id; the e-mail goes to that application's applicant.
CREATE TABLE applications (
    application_id uuid PRIMARY KEY,
    applicant_id   text NOT NULL,
    edition_id     text NOT NULL,
    language       text NOT NULL
);
CREATE INDEX applications_by_applicant ON applications (applicant_id);

-- One row per (cause event, recipient): pending until SMTP accepts it, then sent, or failed.
CREATE TABLE notifications (
    notification_id uuid        PRIMARY KEY,
    cause_event_id  uuid        NOT NULL,
    cause_type      text        NOT NULL,
    application_id  uuid        NOT NULL,
    edition_id      text,
    template        text        NOT NULL,
    facts           jsonb       NOT NULL,
    correlation_id  text        NOT NULL,
    cause_time      timestamptz NOT NULL,
    -- Where the cause came from, and its bytes (no personal data on those topics), so a
    -- notification that fails for good can be dead-lettered with its origin.
    cause_topic     text        NOT NULL,
    cause_partition integer     NOT NULL,
    cause_offset    bigint      NOT NULL,
    cause_event     bytea,
    state           text        NOT NULL DEFAULT 'pending'
                                CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- Set while a sender holds the row; still set on a later claim means that earlier
    -- attempt never reported back, so SMTP may already have the message.
    claimed_until   timestamptz,
    last_error      text,
    language        text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    UNIQUE (cause_event_id, application_id),
    CHECK ((state = 'pending') = (finished_at IS NULL))
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notifications_pending_by_application ON notifications (application_id)
    WHERE state = 'pending';
