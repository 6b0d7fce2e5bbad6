-- What scoring knows of each application, and the last score it published.
CREATE TABLE applications (
    application_id      uuid        PRIMARY KEY,
    edition_id          text,
    -- The facts of application.received; NULL until it arrives (training may come first).
    received            boolean     NOT NULL DEFAULT false,
    country             text,
    athlete_status      text,
    submitted_at        timestamptz,
    career_end_year     integer,
    has_business        boolean     NOT NULL DEFAULT false,
    sector              text,
    stage               text,
    sourcing_needs      text[]      NOT NULL DEFAULT '{}',
    target_markets      text[]      NOT NULL DEFAULT '{}',
    pitch_word_count    integer,
    -- Screening: NULL until application.screened arrives.
    eligible            boolean,
    screening_reasons   text[]      NOT NULL DEFAULT '{}',
    withdrawn           boolean     NOT NULL DEFAULT false,
    enrolled_modules    text[],
    completed_modules   text[]      NOT NULL DEFAULT '{}',
    -- The last application.scored put in the outbox; its fingerprint (rubric version,
    -- total, breakdown) decides whether a new score is worth publishing.
    scored_fingerprint  text,
    scored_rubric_version integer,
    scored_total        numeric(5, 2) CHECK (scored_total BETWEEN 0 AND 100),
    scored_at           timestamptz,
    scored_events       integer     NOT NULL DEFAULT 0,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
-- Finding what a new rubric version must rescore.
CREATE INDEX applications_edition ON applications (edition_id, scored_rubric_version);

CREATE TABLE reviews (
    application_id       uuid        NOT NULL REFERENCES applications,
    reviewer_id          text        NOT NULL,
    score                smallint    NOT NULL CHECK (score BETWEEN 0 AND 100),
    conflict_of_interest boolean     NOT NULL,
    comment              text,
    submitted_at         timestamptz NOT NULL,
    PRIMARY KEY (application_id, reviewer_id)
);
