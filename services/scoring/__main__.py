"""Scores each application with the edition's versioned rubric and reviewer scores."""

from services.scoring.bootstrap import ScoringSettings, build_app
from shared.serve import serve

serve(build_app, ScoringSettings)
