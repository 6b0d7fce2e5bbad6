-- The applications' pitches for the reviewer's page: free text that may name the athlete, so
-- personal data, read from the compacted contacts topic (docs/architecture.md#erasure) and
-- nowhere else. A tombstone under the pitch's key empties the pitch and keeps the row's
-- offset, so a replayed older record cannot bring an erased pitch back. No foreign key to
-- applications: the contacts topic and the applications topic are read independently.
CREATE TABLE pitches (
    application_id   uuid        PRIMARY KEY,
    pitch            text,
    kafka_partition  integer     NOT NULL,
    kafka_offset     bigint      NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
