-- Panel reviewers' invitations (reviewer.invited). A reviewer has no application: their
-- contact is stored in `contacts` under its key on the contacts topic,
-- "reviewer:<edition>:<reviewer id>" (no athlete id has a colon), and an invitation names
-- that key here. Its application_id holds the reviewer's seat instead, the event's Kafka key,
-- so (cause event, seat) stays one e-mail. NULL: an athlete's e-mail, sent to the applicant
-- of its application, as before.
ALTER TABLE notifications ADD COLUMN contact_key text;
CREATE INDEX notifications_pending_by_contact_key ON notifications (contact_key)
    WHERE state = 'pending' AND contact_key IS NOT NULL;
COMMENT ON COLUMN contacts.applicant_id IS
    'the contact''s key on the contacts topic: an athlete id, or reviewer:<edition>:<id>';
