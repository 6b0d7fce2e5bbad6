-- Applicants whose contact a tombstone erased, and the tombstone's place on the topic. An
-- e-mail about them that is consumed afterwards (the withdrawal an erasure causes travels
-- on another topic, so it may come after the tombstone) is cancelled at once instead of
-- waiting CONTACT_WAIT_S for a contact that will not come. A newer contact version (the
-- athlete applying again) lifts the mark. Only the pseudonymous id is kept.
CREATE TABLE erased_contacts (
    applicant_id    text        PRIMARY KEY,
    kafka_partition integer     NOT NULL,
    kafka_offset    bigint      NOT NULL,
    erased_at       timestamptz NOT NULL DEFAULT now()
);
