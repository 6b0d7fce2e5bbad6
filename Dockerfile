# One image for every service; the compose file picks the module to run.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Unset by default (PyPI). Set at build time for a package mirror or a local wheelhouse,
# e.g. --build-arg PIP_INDEX_URL=https://mirror.example/simple; never baked into the image.
ARG PIP_INDEX_URL
ARG PIP_FIND_LINKS
ARG PIP_NO_INDEX
ARG PIP_TRUSTED_HOST

COPY pyproject.toml README.md deploy/constraints.txt ./
COPY shared ./shared
COPY services ./services
COPY infra ./infra
# The ops command (`accelerator status`, `replay` after a restore) runs in the same image.
COPY cli ./cli
COPY deploy/editions ./deploy/editions
# pyproject.toml pins the direct dependencies, constraints.txt every package installed.
RUN pip install -c constraints.txt "setuptools==80.9.0" \
    && pip install --no-build-isolation -c constraints.txt . \
    && useradd --system --uid 10001 --no-create-home accelerator

# No secret is baked in: tokens, keys and passwords come from the environment at run time.
ENV EDITIONS_DIR=/app/deploy/editions HTTP_HOST=0.0.0.0 HTTP_PORT=8000
USER accelerator
EXPOSE 8000
# /healthz says the process answers; compose's own healthcheck asks /readyz.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=6 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3).status != 200)"]
CMD ["python", "-m", "services.intake"]
