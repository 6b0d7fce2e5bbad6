-- Applications as submitted, with their screening and training enrolment. Personal data
-- (name, e-mail, pitch) lives here and on the contacts topic only.
CREATE TABLE applications (
    application_id       uuid        PRIMARY KEY,
    edition_id           text        NOT NULL,
    athlete_id           text        NOT NULL,
    -- The mailbox the address reaches (see domain/emails.py), for one application per e-mail.
    email_key            text        NOT NULL,
    full_name            text        NOT NULL,
    email                text        NOT NULL,
    language             text        NOT NULL CHECK (language IN ('en', 'fr', 'de')),
    country              char(3)     NOT NULL,
    sport                text        NOT NULL,
    athlete_status       text        NOT NULL,
    career_end_year      integer,
    business_name        text        NOT NULL,
    business_sector      text        NOT NULL,
    business_stage       text        NOT NULL,
    pitch                text        NOT NULL,
    sourcing_needs       text[]      NOT NULL,
    target_markets       text[]      NOT NULL,
    consent_marketing    boolean     NOT NULL,
    submitted_at         timestamptz NOT NULL,
    -- SHA-256 of the status token handed to the applicant; the token itself is not kept.
    status_token_sha256  text        NOT NULL,
    eligible             boolean     NOT NULL,
    screening_reasons    text[]      NOT NULL,
    -- The edition's modules at enrolment; empty when not enrolled.
    training_modules     text[]      NOT NULL,
    -- Enforced here, not by a prior SELECT, so two concurrent duplicates cannot both get in.
    CONSTRAINT one_application_per_athlete UNIQUE (edition_id, athlete_id),
    CONSTRAINT one_application_per_email UNIQUE (edition_id, email_key)
);

CREATE TABLE module_completions (
    application_id  uuid        NOT NULL REFERENCES applications,
    module          text        NOT NULL,
    completed_at    timestamptz NOT NULL,
    PRIMARY KEY (application_id, module)
);

-- Editions that grant has closed (accelerator.edition.closed.v1): no more applications.
CREATE TABLE closed_editions (
    edition_id  text        PRIMARY KEY,
    closed_at   timestamptz NOT NULL
);
