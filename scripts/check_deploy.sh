#!/usr/bin/env bash
# Django's deployment checks with production's variables, failing on any warning. The secrets are
# made up here for the check only (never real ones): the check reads settings, it connects to
# nothing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-.venv/bin/python}

key32() { "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(32))'; }

env -u DEBUG -u DEMO_MODE \
    OUTREACH_ENV=production \
    SECRET_KEY="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(60))')" \
    ALLOWED_HOSTS=outreach.example.dk \
    CPR_ENCRYPTION_KEY="$(key32)" \
    CPR_LOOKUP_KEY="$(key32)" \
    DATABASE_URL=postgres://outreach@db.example.dk:5432/outreach \
    "$PYTHON" manage.py check --deploy --fail-level WARNING
