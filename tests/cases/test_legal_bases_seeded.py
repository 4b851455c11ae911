"""The legal bases the disclosure register refers to survive a flush (transactional tests, a
`manage.py flush`): seeded again after every migrate and flush, like the programmes."""

import pytest
from django.core.management import call_command

from cases.models import LegalBasis


@pytest.mark.django_db(transaction=True)
def test_the_legal_bases_come_back_after_a_flush(settings):
    call_command("flush", interactive=False, verbosity=0)
    codes = set(LegalBasis.objects.values_list("code", flat=True))
    assert set(settings.REGIE_DISCLOSURE_BASIS.values()) <= codes
