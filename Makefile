# The two set-up commands of the README:
#   make run    install, load demo data and serve on http://127.0.0.1:8000 (SQLite, no Redis)
#   make test   install and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint schema messages backup restore lock

# The dependencies exactly as locked (versions and hashes: requirements-test.lock, the
# production image takes requirements.lock), then the project itself.
$(VENV)/.installed: pyproject.toml requirements-test.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-test.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# After a change of the dependencies in pyproject.toml: pin them again, with hashes.
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet pip-tools
	.venv-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	.venv-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links --extra test -o requirements-test.lock pyproject.toml
	rm -rf .venv-lock

run: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# One worker per core; a test file stays on one worker (the permission sweep builds its world
# once per module), and files are handed out in the order tests/conftest.py puts them (the
# longest first), not by their number of tests.
test: $(VENV)/.installed
	$(PY) -m pytest -n auto --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

schema: $(VENV)/.installed
	REGIE_TESTING=1 $(PY) manage.py spectacular --file openapi.yaml --lang en --validate --fail-on-warn

messages: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py makemessages -l nl --no-obsolete --ignore='.venv/*'
	DEBUG=1 $(PY) manage.py compilemessages -l nl --ignore='.venv/*'

# Operations (docs/operations.md): DATABASE_URL names the PostgreSQL database.
backup: $(VENV)/.installed
	@test -n "$(FILE)" || (echo "usage: make backup FILE=regie-$$(date +%F).dump" && false)
	$(PY) manage.py backup "$(FILE)"

restore: $(VENV)/.installed
	@test -n "$(FILE)" || (echo "usage: make restore FILE=regie-YYYY-MM-DD.dump" && false)
	$(PY) manage.py restore "$(FILE)"
