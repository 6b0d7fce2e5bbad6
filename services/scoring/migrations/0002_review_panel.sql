-- The review panel (docs/architecture.md#the-review-panel): each edition's reviewers, with
-- their contact data (personal data: only here and on the contacts topic), and who reviews
-- which application.
CREATE TABLE reviewers (
    edition_id        text        NOT NULL,
    reviewer_id       text        NOT NULL CHECK (reviewer_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    -- What the reviewer's personal link names (shared/review_links.py); a new seat on
    -- every addition, so a reviewer removed and added again has none of the old links.
    seat_id           uuid        NOT NULL UNIQUE,
    full_name         text        NOT NULL,
    email             text        NOT NULL,
    language          text        NOT NULL,
    noc               text,
    conflict_nocs     text[]      NOT NULL DEFAULT '{}',
    conflict_sectors  text[]      NOT NULL DEFAULT '{}',
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (edition_id, reviewer_id)
);

-- One row per (application, reviewer) ever assigned; a release keeps the row, so the same
-- reviewer is never assigned the application again. No foreign key to reviewers: the rows
-- outlive a reviewer removed from the panel, as their reviews do.
CREATE TABLE review_assignments (
    application_id  uuid        NOT NULL REFERENCES applications,
    reviewer_id     text        NOT NULL,
    edition_id      text        NOT NULL,
    assigned_at     timestamptz NOT NULL,
    reassignment    boolean     NOT NULL DEFAULT false,
    -- The last scores the reviewer saved through the review page, criterion -> 0..10.
    criteria        jsonb,
    reviewed_at     timestamptz,
    released_at     timestamptz,
    release_reason  text        CHECK (release_reason IN ('conflict', 'removed')),
    CHECK ((released_at IS NULL) = (release_reason IS NULL)),
    PRIMARY KEY (application_id, reviewer_id)
);
CREATE INDEX review_assignments_queue ON review_assignments (edition_id, reviewer_id)
    WHERE released_at IS NULL;
