-- The sender claims pending rows oldest event first. Without an index in that order every
-- claim read and sorted the whole table, sent rows included, so it slowed down as history
-- grew; with it a claim reads about as many index entries as it takes.
CREATE INDEX notifications_pending_in_claim_order ON notifications (cause_time, notification_id)
    WHERE state = 'pending';
