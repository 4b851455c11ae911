from tests.cases.api.conftest import api_as  # noqa: F401  (fixture)
from tests.scenarios import eligible_person, fill_dossier  # noqa: F401  (re-exported helpers)
