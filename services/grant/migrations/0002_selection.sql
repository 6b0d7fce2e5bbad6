-- Selection, offers and the waitlist.
--
-- The invariants of an edition hold in the database itself, so two grant replicas (or a
-- bug) cannot break them, whatever the code does:
--   * live offers (open or accepted) <= grant_capacity: every offer holds a seat number
--     checked to lie in 1..grant_capacity, and a partial unique index lets one live offer
--     at most hold each seat;
--   * their total value <= budget: an offer's amount is the edition's package value (the
--     composite foreign key below), so live value = live offers x package value
--     <= grant_capacity x package value = budget_cents;
--   * at most max_grants_per_country live offers per country: the same construction with
--     a country slot in 1..country_cap, unique per country among live offers;
--   * no application ever holds two offers: offers.application_id is unique, so a declined
--     or expired application is never offered again;
--   * an answered or expired offer stays so: a trigger refuses any later change of state,
--     which also makes an offer link single-use at the lowest level.
-- The foreign key pins capacity, value, currency and the country cap for as long as an
-- edition has offers: those columns can no longer change under them.
--
-- Constraints alone would make a second replica fail; to make it wait its turn instead,
-- every use case that changes an edition's offers (close, accept, decline, expire,
-- withdrawal, promotion) first locks the edition's row (SELECT ... FOR UPDATE).

ALTER TABLE editions
    ADD COLUMN country_cap           integer CHECK (country_cap > 0),
    ADD COLUMN components            text[],
    ADD COLUMN offer_acceptance_days integer CHECK (offer_acceptance_days > 0),
    ADD COLUMN budget_cents          bigint GENERATED ALWAYS AS
                                     (grant_capacity * package_value_cents) STORED,
    -- When the last never-offered candidates were told they are not selected.
    ADD COLUMN settled_at            timestamptz,
    ADD CONSTRAINT editions_closed_with_terms CHECK (
        state = 'open'
        OR (closed_at IS NOT NULL AND country_cap IS NOT NULL AND components IS NOT NULL
            AND offer_acceptance_days IS NOT NULL)),
    ADD CONSTRAINT editions_offer_terms
        UNIQUE (edition_id, grant_capacity, package_value_cents, currency, country_cap);

-- What grant knows of each application. Its events come on two topics in no guaranteed
-- order, so each column fills in when its event arrives; selection joins them.
CREATE TABLE applications (
    application_id  uuid             PRIMARY KEY,
    edition_id      text,            -- application.received
    country         text,
    submitted_at    timestamptz,
    eligible        boolean,         -- the latest application.screened
    withdrawn       boolean          NOT NULL DEFAULT false,
    score_total     double precision CHECK (score_total BETWEEN 0 AND 100),
    rubric_version  integer,         -- the latest application.scored
    updated_at      timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX applications_edition ON applications (edition_id);

-- The ranking frozen when the edition closed. Later scores do not reorder it, so every
-- decision follows from the events consumed before edition.closed.
CREATE TABLE candidates (
    application_id  uuid             PRIMARY KEY REFERENCES applications,
    edition_id      text             NOT NULL REFERENCES editions,
    rank            integer          CHECK (rank > 0), -- NULL: eligible but not yet scored
    country         text             NOT NULL,
    score_total     double precision,
    submitted_at    timestamptz      NOT NULL,
    state           text             NOT NULL CHECK (state IN
                        ('waitlisted', 'unranked', 'offered', 'withdrawn', 'not_selected')),
    UNIQUE (edition_id, rank),
    UNIQUE (edition_id, application_id),
    CHECK (rank IS NOT NULL OR state NOT IN ('waitlisted', 'offered'))
);
CREATE INDEX candidates_waitlist ON candidates (edition_id, rank) WHERE state = 'waitlisted';

CREATE TABLE offers (
    offer_id        uuid        PRIMARY KEY,
    application_id  uuid        NOT NULL UNIQUE,
    edition_id      text        NOT NULL,
    rank            integer     NOT NULL CHECK (rank > 0),
    country         text        NOT NULL,
    grant_capacity  integer     NOT NULL,
    amount_cents    bigint      NOT NULL,
    currency        char(3)     NOT NULL,
    country_cap     integer     NOT NULL,
    seat_no         integer     NOT NULL CHECK (seat_no BETWEEN 1 AND grant_capacity),
    country_slot    integer     NOT NULL CHECK (country_slot BETWEEN 1 AND country_cap),
    state           text        NOT NULL DEFAULT 'open'
                                CHECK (state IN ('open', 'accepted', 'declined', 'expired')),
    offered_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL CHECK (expires_at > offered_at),
    decided_at      timestamptz,
    CHECK ((state = 'open') = (decided_at IS NULL)),
    FOREIGN KEY (edition_id, application_id) REFERENCES candidates (edition_id, application_id),
    FOREIGN KEY (edition_id, grant_capacity, amount_cents, currency, country_cap)
        REFERENCES editions (edition_id, grant_capacity, package_value_cents, currency, country_cap)
);
CREATE UNIQUE INDEX offers_live_seat ON offers (edition_id, seat_no)
    WHERE state IN ('open', 'accepted');
CREATE UNIQUE INDEX offers_live_country_slot ON offers (edition_id, country, country_slot)
    WHERE state IN ('open', 'accepted');
CREATE INDEX offers_open_deadline ON offers (expires_at) WHERE state = 'open';

CREATE FUNCTION offers_answer_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state <> 'open' AND NEW.state IS DISTINCT FROM OLD.state THEN
        RAISE EXCEPTION 'offer % is already %, it cannot become %',
            OLD.offer_id, OLD.state, NEW.state
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER offers_answer_once BEFORE UPDATE OF state ON offers
    FOR EACH ROW EXECUTE FUNCTION offers_answer_once();
