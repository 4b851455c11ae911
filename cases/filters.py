"""One FilterSet for the case list page and the `cases/` endpoint."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Programme
from cases.policies import case_directed_by_filter
from cases.workflow import CaseStatus
from partners.models import Organisation


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name"))
    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.all(), label=_("Programme")
    )
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("Status"))
    regie_organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(), label=_("Regie organisation")
    )
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("My cases"))

    class Meta:
        model = Case
        fields = ["q", "programme", "status", "regie_organisation", "mine"]

    def filter_q(self, queryset, name, value):
        for word in value.split()[:5]:
            queryset = queryset.filter(
                Q(person__first_name__icontains=word) | Q(person__last_name__icontains=word)
            )
        return queryset

    def filter_mine(self, queryset, name, value):
        user = self.request.user if self.request else None
        if not value or user is None:
            return queryset
        return queryset.filter(case_directed_by_filter(user))
