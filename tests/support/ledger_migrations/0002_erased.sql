-- Tombstones the ledger received, in the order it applied them.
CREATE TABLE erased (
    seq        bigserial   PRIMARY KEY,
    subject    text        NOT NULL,
    topic      text        NOT NULL
);
