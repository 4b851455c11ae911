"""Filters of the meetings API. A case filter accepts only visible cases: any other id is "not a
valid choice", exactly like a missing one (no existence leak)."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cases.policies import CasePart
from meetings.models import Agreement, AgreementStatus, Notification, UvoMeeting, UvoStatus
from partners.models import Organisation


class _StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0). Django's widgets turn any other value into "no filter"; a typo in a
    filter should be a 400 instead, not a silently unfiltered list."""

    widget = forms.TextInput

    def to_python(self, value):
        text = str(value).strip().lower() if value is not None else ""
        if text == "":
            return None
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise ValidationError(_("Give true or false."), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = _StrictBooleanField


def _visible_cases(request):
    if request is None:
        return Case.objects.none()
    return Case.objects.visible_to(request.user, CasePart.UVO)


class UvoMeetingFilter(django_filters.FilterSet):
    case = django_filters.ModelChoiceFilter(queryset=_visible_cases, label=_("Case"))
    status = django_filters.ChoiceFilter(choices=UvoStatus.choices)
    planned_after = django_filters.DateFilter(
        field_name="planned_at", lookup_expr="date__gte", label="Planned on or after this date."
    )
    planned_before = django_filters.DateFilter(
        field_name="planned_at", lookup_expr="date__lte", label="Planned on or before this date."
    )

    class Meta:
        model = UvoMeeting
        fields = ["case", "status", "planned_after", "planned_before"]


class AgreementFilter(django_filters.FilterSet):
    case = django_filters.ModelChoiceFilter(queryset=_visible_cases, label=_("Case"))
    status = django_filters.ChoiceFilter(choices=AgreementStatus.choices)
    owner_organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all())
    overdue = StrictBooleanFilter(
        method="filter_overdue", label="Open and past its deadline (true) or not (false)."
    )

    class Meta:
        model = Agreement
        fields = ["case", "status", "owner_organisation", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status=AgreementStatus.OPEN, deadline__lt=timezone.localdate())
        return queryset.filter(overdue if value else ~overdue)


class NotificationFilter(django_filters.FilterSet):
    unread = StrictBooleanFilter(
        field_name="read_at", lookup_expr="isnull", label="Only unread (true) or read (false)."
    )

    class Meta:
        model = Notification
        fields = ["unread"]
