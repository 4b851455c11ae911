"""Fixtures of the plans tests: the cases API's `api_as(user)` for tests that try a page and
the API side by side."""

from tests.cases.api.conftest import api_as  # noqa: F401  (fixture)
