# Linli API and console: gunicorn (sync workers) serving backend:create_app().
# Configure with LINLI_* environment variables (see config/.env.example): at least
# LINLI_DATABASE_URL, LINLI_REDIS_URL, LINLI_SECRET_KEY and LINLI_JWT_SECRET (the app refuses to
# start on its built-in development secrets anywhere but the embedded default). Run
# `flask --app backend db upgrade` once per release before starting new containers.
# The same image runs the background processes with another command:
#   flask --app backend jobs worker    (rq worker + scheduler: delivers outbox rows)
#   flask --app backend jobs relay     (hands due outbox rows to the queue)
#   flask --app backend jobs scheduler (enqueues periodic jobs; one leads, others stand by)
# They ride out a Redis outage; give every container a restart policy for anything worse
# (`docker run --restart unless-stopped`, as config/compose.yaml does for all four).
# Installed in place (-e) so migrations/ and config/ are found beside the code.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# A CJK font so PDF statements print Chinese (backend/ledger/exports.py looks for Noto CJK).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY backend ./backend
COPY bot ./bot
COPY config ./config
COPY migrations ./migrations
RUN pip install -e . && useradd --system --home /app linli && mkdir -p /var/lib/linli/storage \
    && chown linli /var/lib/linli/storage

USER linli
ENV LINLI_STORAGE_DIR=/var/lib/linli/storage LINLI_BIND=0.0.0.0:8000
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "backend:create_app()"]
