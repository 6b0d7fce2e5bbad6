"""`make demo`: one whole edition of the programme, run against the live local stack."""
