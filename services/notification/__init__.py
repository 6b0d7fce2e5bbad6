"""E-mails athletes in their language, exactly once per event."""
