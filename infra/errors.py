"""The one exception the infrastructure code raises for problems a person must fix."""


class InfraError(RuntimeError):
    """Something the stack needs is missing or would not start; the message says what to do."""
