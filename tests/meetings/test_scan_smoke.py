from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from meetings.models import Notification, Reminder, ReminderKind
from meetings.reminders import reminders_scan

pytestmark = pytest.mark.django_db


def test_overdue_uvo_is_notified_once(case_at, people):
    case = case_at("in_regie")
    Case.objects.filter(pk=case.pk).update(regie_started_at=timezone.now() - timedelta(weeks=10))
    first = reminders_scan()
    second = reminders_scan()
    kinds = set(Reminder.objects.values_list("kind", flat=True))
    assert ReminderKind.UVO_OVERDUE in kinds
    assert ReminderKind.PLAN_NOT_SUBMITTED in kinds
    assert first.reminders_created == 2
    assert second.reminders_created == 0
    assert Notification.objects.filter(user=people["regisseur"]).count() == 2
    assert Notification.objects.filter(user=people["accounthouder"]).count() == 2
