from tests.cases.api.conftest import api_as  # noqa: F401  (fixture)
