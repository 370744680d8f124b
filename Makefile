# The two commands of the README: `make run` (the app on the embedded default) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate demo worker beat lint format messages lock clean

$(INSTALLED): requirements.txt requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c requirements.lock
	@touch $(INSTALLED)

install: $(INSTALLED)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m bandit -c pyproject.toml -r . -q
	$(PY) -m pytest

worker: install
	$(VENV)/bin/celery -A outreach worker --loglevel=info

beat: install
	$(VENV)/bin/celery -A outreach beat --loglevel=info --schedule=var/celerybeat-schedule

lint: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

messages: install
	$(PY) manage.py makemessages --locale=da --ignore=.venv --ignore=static --ignore=staticfiles
	$(PY) manage.py compile_catalogue

# Re-resolve requirements.txt in a clean environment and pin everything it pulls in.
lock:
	rm -rf var/lock-venv
	$(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/python -m pip install --quiet --upgrade pip
	var/lock-venv/bin/python -m pip install --quiet -r requirements.txt
	printf '%s\n' '# Every package requirements.txt pulls in, pinned: `make install` installs with these as' \
		'# constraints. Regenerate with `make lock` after changing requirements.txt.' > requirements.lock
	var/lock-venv/bin/python -m pip freeze --all --exclude pip --exclude setuptools --exclude wheel >> requirements.lock
	rm -rf var/lock-venv

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
