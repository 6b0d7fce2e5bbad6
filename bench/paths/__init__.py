"""The system's paths, each measured end to end on a running stack."""
