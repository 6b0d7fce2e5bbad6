-- The editions grant has announced, and their lifecycle.
CREATE TABLE editions (
    edition_id          text        PRIMARY KEY,
    name                text        NOT NULL,
    opens_at            timestamptz NOT NULL,
    closes_at           timestamptz NOT NULL,
    grant_capacity      integer     NOT NULL CHECK (grant_capacity > 0),
    package_value_cents bigint      NOT NULL CHECK (package_value_cents > 0),
    currency            char(3)     NOT NULL,
    state               text        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    opened_at           timestamptz NOT NULL,
    closed_at           timestamptz
);
