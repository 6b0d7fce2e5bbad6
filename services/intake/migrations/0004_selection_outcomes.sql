-- Grant's latest decision about each application (accelerator.grants), for the athlete's
-- status page. A later decision replaces an earlier one (waitlisted, then offered, then
-- accepted); the offer's rank and deadline stay with its answer.
CREATE TABLE selection_outcomes (
    application_id    uuid        PRIMARY KEY,
    outcome           text        NOT NULL CHECK (outcome IN
        ('offered', 'accepted', 'declined', 'expired', 'waitlisted', 'not_selected')),
    decided_at        timestamptz NOT NULL,
    rank              integer,
    offer_id          uuid,
    offer_expires_at  timestamptz
);
