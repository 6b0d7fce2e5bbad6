-- A row without a payload is a tombstone: the relay publishes its key with a null value,
-- which on a compacted topic erases every earlier value of that key.
ALTER TABLE outbox ALTER COLUMN payload DROP NOT NULL;
