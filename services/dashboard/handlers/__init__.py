"""The dashboard's use cases. It publishes no events and refuses nothing: it only reads."""

from services.dashboard.handlers.views import Dashboard

__all__ = ["Dashboard"]
