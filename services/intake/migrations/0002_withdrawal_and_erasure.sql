-- Withdrawal by the applicant, and erasure of their personal data (GDPR Art. 17).
-- Erasure empties the columns that identify a person and keeps the pseudonymous ids and the
-- facts decisions were made on (country, sport, status, screening, training), so what grant
-- and scoring decided stays reproducible.
ALTER TABLE applications
    ALTER COLUMN full_name DROP NOT NULL,
    ALTER COLUMN email DROP NOT NULL,
    ALTER COLUMN email_key DROP NOT NULL,
    ALTER COLUMN business_name DROP NOT NULL,
    ALTER COLUMN pitch DROP NOT NULL,
    ADD COLUMN withdrawn_at timestamptz,
    ADD COLUMN erased_at timestamptz,
    -- Either all of the personal data is there, or the application was erased and none is.
    ADD CONSTRAINT personal_data_until_erased CHECK (
        CASE WHEN erased_at IS NULL
             THEN num_nulls(full_name, email, email_key, business_name, pitch) = 0
             ELSE num_nonnulls(full_name, email, email_key, business_name, pitch) = 0
        END
    );

-- Packages accepted (accelerator.grant.accepted.v1, from grant): an accepted package is a
-- commitment the programme has started delivering, so it cannot be withdrawn online.
CREATE TABLE accepted_packages (
    application_id  uuid        PRIMARY KEY,
    offer_id        uuid        NOT NULL,
    accepted_at     timestamptz NOT NULL
);
