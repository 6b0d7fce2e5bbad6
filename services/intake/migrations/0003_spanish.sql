-- Spanish joins the served languages (shared/languages.py); an application records it.
ALTER TABLE applications DROP CONSTRAINT applications_language_check;
ALTER TABLE applications ADD CONSTRAINT applications_language_check
    CHECK (language IN ('en', 'fr', 'de', 'es'));
