"""Clients of the plans API: the cases API's `api_as(user)`, authenticated with a token."""

from tests.cases.api.conftest import api_as  # noqa: F401  (fixture)
