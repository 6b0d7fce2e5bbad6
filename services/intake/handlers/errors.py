"""Intake's own errors, beside those its domain raises (domain/application.py, withdrawal.py)."""


class UnknownApplication(Exception):
    """No such application, or not for this token: the two are told apart to nobody, so that
    a wrong token does not reveal that the application exists."""
