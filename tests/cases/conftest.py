from tests.scenarios import eligible_person, fill_dossier  # noqa: F401  (re-exported helpers)
