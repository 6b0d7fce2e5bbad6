"""Closes editions, offers packages within budget, handles answers, expiry and the waitlist."""
