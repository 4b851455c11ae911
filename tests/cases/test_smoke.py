import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "status",
    [
        "registered",
        "basisdossier",
        "awaiting_assignment",
        "assigned",
        "in_regie",
        "outflow",
        "closed",
    ],
)
def test_case_walks_to(case_at, status):
    assert case_at(status).status == status
