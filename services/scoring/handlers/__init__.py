"""Scoring's use cases. Each runs in one transaction: state, then the score events it causes."""

from services.scoring.handlers import panel, pitches
from services.scoring.handlers.changes import Inbound, apply_changes
from services.scoring.handlers.errors import (
    NoReviewPanel,
    NotAssigned,
    UnknownApplication,
    UnknownEdition,
    UnknownReviewer,
)
from services.scoring.handlers.rescoring import RescorePage, rescore_edition, rescore_stale
from services.scoring.handlers.reviews import explain, submit_review
from services.scoring.handlers.scoring import Scoring

__all__ = [
    "Inbound",
    "NoReviewPanel",
    "NotAssigned",
    "RescorePage",
    "Scoring",
    "UnknownApplication",
    "UnknownEdition",
    "UnknownReviewer",
    "apply_changes",
    "explain",
    "panel",
    "pitches",
    "rescore_edition",
    "rescore_stale",
    "submit_review",
]
