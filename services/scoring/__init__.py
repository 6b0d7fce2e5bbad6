"""Scores each application with the edition's versioned rubric and reviewer scores."""
