"""The SQL of notifications_repository, kept apart so both stay readable."""

INSERT = """
INSERT INTO notifications (
    notification_id, cause_event_id, cause_type, application_id, edition_id, template, facts,
    correlation_id, cause_time, cause_topic, cause_partition, cause_offset, cause_event,
    contact_key)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT (cause_event_id, application_id) DO NOTHING
"""

# Due rows whose recipient is known, oldest event first, each held by one sender only:
# the claim commits attempts + 1 and a lease before any SMTP traffic. The recipient is the
# applicant of the application, or for a reviewer's e-mail the contact its key names.
CLAIM = """
WITH due AS (
    SELECT n.notification_id, n.claimed_until AS previous_claim,
           coalesce(n.contact_key, a.applicant_id) AS applicant_id,
           a.edition_id AS application_edition_id,
           a.language AS application_language,
           c.full_name, c.email, c.language AS contact_language
    FROM notifications n
    LEFT JOIN applications a ON a.application_id = n.application_id
    JOIN contacts c ON c.applicant_id = coalesce(n.contact_key, a.applicant_id)
    WHERE n.state = 'pending' AND n.next_attempt_at <= $1
    ORDER BY n.cause_time, n.notification_id
    LIMIT $2
    FOR UPDATE OF n SKIP LOCKED
)
UPDATE notifications n
SET attempts = n.attempts + 1, next_attempt_at = $3, claimed_until = $3
FROM due
WHERE n.notification_id = due.notification_id
RETURNING n.notification_id, n.cause_event_id, n.template, n.facts, n.attempts,
          n.correlation_id,
          coalesce(n.edition_id, due.application_edition_id) AS edition_id,
          due.previous_claim, due.applicant_id, due.full_name, due.email,
          due.contact_language, due.application_language
"""

MARK_SENT = """
UPDATE notifications n
SET state = 'sent', language = sent.language, finished_at = $3, claimed_until = NULL,
    last_error = NULL, cause_event = NULL
FROM unnest($1::uuid[], $2::text[]) AS sent (notification_id, language)
WHERE n.notification_id = sent.notification_id AND n.state = 'pending'
RETURNING n.notification_id
"""

RESCHEDULE = """
UPDATE notifications SET next_attempt_at = $2, claimed_until = NULL, last_error = $3
WHERE notification_id = $1 AND state = 'pending'
"""

MARK_FAILED = """
UPDATE notifications
SET state = 'failed', language = $2, last_error = $3, finished_at = $4, claimed_until = NULL
WHERE notification_id = $1 AND state = 'pending'
RETURNING application_id, cause_event, cause_topic, cause_partition, cause_offset
"""

RELEASE = """
UPDATE notifications
SET attempts = attempts - 1, next_attempt_at = $2, claimed_until = NULL
WHERE notification_id = ANY($1::uuid[]) AND state = 'pending'
"""

# Rows a sender holds right now are left to it: their e-mail may already be on its way.
CANCEL_FOR_APPLICANTS = """
UPDATE notifications n
SET state = 'failed', last_error = $2, finished_at = $3, claimed_until = NULL
FROM applications a
WHERE a.application_id = n.application_id AND a.applicant_id = ANY($1::text[])
  AND n.state = 'pending' AND (n.claimed_until IS NULL OR n.claimed_until < $3)
RETURNING n.notification_id, n.cause_event_id, n.template, a.applicant_id,
          n.correlation_id, coalesce(n.edition_id, a.edition_id) AS edition_id,
          NULL::text AS contact_language, a.language AS application_language
"""

# A reviewer's e-mails, by their contact key: the same as above, without an application.
CANCEL_FOR_CONTACT_KEYS = """
UPDATE notifications n
SET state = 'failed', last_error = $2, finished_at = $3, claimed_until = NULL
WHERE n.contact_key = ANY($1::text[])
  AND n.state = 'pending' AND (n.claimed_until IS NULL OR n.claimed_until < $3)
RETURNING n.notification_id, n.cause_event_id, n.template, n.contact_key AS applicant_id,
          n.correlation_id, n.edition_id,
          NULL::text AS contact_language, NULL::text AS application_language
"""

CLEAR_ERRORS_OF_CONTACT_KEYS = """
UPDATE notifications SET last_error = $2
WHERE contact_key = ANY($1::text[]) AND last_error IS NOT NULL
"""

CLEAR_ERRORS_OF_APPLICANTS = """
UPDATE notifications n SET last_error = $2
FROM applications a
WHERE a.application_id = n.application_id AND a.applicant_id = ANY($1::text[])
  AND n.last_error IS NOT NULL
"""

UNADDRESSABLE = """
WITH stuck AS (
    SELECT n.notification_id
    FROM notifications n
    LEFT JOIN applications a ON a.application_id = n.application_id
    WHERE n.state = 'pending' AND n.created_at < $1
      AND NOT EXISTS (
          SELECT 1 FROM contacts c WHERE c.applicant_id = coalesce(n.contact_key, a.applicant_id))
    ORDER BY n.created_at
    LIMIT $2
    FOR UPDATE OF n SKIP LOCKED
)
SELECT n.notification_id, n.cause_event_id, n.template,
       coalesce(n.contact_key, a.applicant_id, n.application_id::text) AS applicant_id,
       n.correlation_id, coalesce(n.edition_id, a.edition_id) AS edition_id,
       NULL::text AS contact_language, a.language AS application_language
FROM stuck
JOIN notifications n ON n.notification_id = stuck.notification_id
LEFT JOIN applications a ON a.application_id = n.application_id
"""

# An operator's retry of a failed e-mail: pending again under the same id, from attempt one.
REQUEUE_FAILED = """
UPDATE notifications
SET state = 'pending', attempts = 0, next_attempt_at = $2, claimed_until = NULL,
    finished_at = NULL, language = NULL
WHERE notification_id = $1 AND state = 'failed'
RETURNING notification_id
"""

COUNTS = """
SELECT state, template, coalesce(language, '') AS language, count(*) AS n
FROM notifications GROUP BY state, template, language
"""
