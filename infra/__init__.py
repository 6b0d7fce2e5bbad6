"""Local infrastructure for development and tests: Kafka, PostgreSQL and an SMTP sink.

`python -m infra up` starts them as plain processes under `.run/`; tests pick between
explicit URLs, containers and these local processes with `infra.choice`.
"""
