# One image for every service; the compose file picks the module to run.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
COPY infra ./infra
COPY deploy/editions ./deploy/editions
RUN pip install . && useradd --system --uid 10001 accelerator

# No secret is baked in: tokens, keys and passwords come from the environment at run time.
ENV EDITIONS_DIR=/app/deploy/editions HTTP_HOST=0.0.0.0 HTTP_PORT=8000
USER accelerator
EXPOSE 8000
CMD ["python", "-m", "services.intake"]
