"""Fixtures of the meetings tests: the API client of the cases API tests and a case team."""

from __future__ import annotations

import pytest

from cases import services as case_services
from tests.cases.api.conftest import api_as  # noqa: F401  (fixture)


@pytest.fixture
def team_case(case_at, people, orgs):
    """A case in regie directed by RN's regisseur, with WPI and GGD on the team (the outsider's
    DJI is not)."""
    case = case_at("in_regie")
    for code in ("WPI", "GGD"):
        case_services.team_member_add(case=case, by=people["regisseur"], organisation=orgs[code])
    return case
