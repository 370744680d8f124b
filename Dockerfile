# The one image for web (gunicorn), worker (celery worker) and beat (celery beat).
# Configuration comes only from the environment at run time (see .env.example); nothing secret is
# baked in. docker-compose.yml shows the production variables the image expects.
FROM python:3.11-slim-bookworm

# gunicorn reads its default worker count from WEB_CONCURRENCY: 3 suits the 1-2 cores of a small
# container (about 2 x cores + 1). Override it at run time to match the CPUs the container gets.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    WEB_CONCURRENCY=3

# Run as an unprivileged user. The code stays owned by root (read-only to the app); only var/
# (settings create it at start) is the app's own.
RUN groupadd --system --gid 10001 outreach \
    && useradd --system --uid 10001 --gid outreach --create-home --home-dir /home/outreach \
        --shell /usr/sbin/nologin outreach

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt requirements.lock ./
RUN python -m venv "$VIRTUAL_ENV" \
    && pip install --no-cache-dir -r requirements.txt -c requirements.lock

COPY . .

# Compile the translation catalogues and collect static files (whitenoise's manifest storage needs
# them at build time). Production settings need SECRET_KEY, the CPR keys and ALLOWED_HOSTS to load: these
# throwaway values live only in this RUN's shell and are not part of the image's environment.
RUN export OUTREACH_ENV=production ALLOWED_HOSTS=localhost \
        SECRET_KEY="build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
        CPR_ENCRYPTION_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(32))')" \
        CPR_LOOKUP_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(32))')" \
    && python manage.py compile_catalogue \
    && python manage.py collectstatic --noinput \
    && mkdir -p var \
    && chown outreach:outreach var

USER outreach

EXPOSE 8000

# No curl in the slim image: ask /healthz with Python. The request carries the first ALLOWED_HOSTS
# name (Django refuses other Host headers) and X-Forwarded-Proto: https, as the TLS proxy in front
# would, so SECURE_SSL_REDIRECT does not answer it with a redirect. Any error or a 503 (database
# unreachable) makes the check fail; a broker outage does not (jobs wait in the outbox, ADR 0016).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = (os.environ.get('ALLOWED_HOSTS') or 'localhost').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=8)"]

CMD ["gunicorn", "outreach.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--worker-tmp-dir", "/dev/shm"]
