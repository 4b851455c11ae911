"""Filters of the cases API. The case list uses `cases.filters.CaseFilter`, shared with the page."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cases.filters import CaseFilter
from cases.models import OffenceCategory, OffenceKind, OffenceRecord, Person, Programme
from cases.selectors import person_list
from partners.models import Organisation


class PersonFilter(django_filters.FilterSet):
    bsn = django_filters.CharFilter(label=_("BSN"), help_text="Exact citizen service number.")

    class Meta:
        model = Person
        fields = ["bsn", "date_of_birth"]


class ProgrammeFilter(django_filters.FilterSet):
    class Meta:
        model = Programme
        fields = ["code", "active"]


def _visible_persons(request):
    # An invisible person is "not a valid choice", exactly like a missing one (no existence leak).
    return person_list(user=request.user) if request is not None else Person.objects.none()


class OffenceRecordFilter(django_filters.FilterSet):
    person = django_filters.ModelChoiceFilter(queryset=_visible_persons, label=_("Person"))
    kind = django_filters.ChoiceFilter(choices=OffenceKind.choices)
    category = django_filters.ChoiceFilter(choices=OffenceCategory.choices)
    source = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all())
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = OffenceRecord
        fields = ["person", "kind", "category", "source", "external_id"]


class CaseApiFilter(CaseFilter):
    """The case list's filters (shared with the page), and for partner systems the person: an
    invisible person is "not a valid choice", like a missing one."""

    person = django_filters.ModelChoiceFilter(queryset=_visible_persons, label=_("Person"))

    class Meta(CaseFilter.Meta):
        fields = [*CaseFilter.Meta.fields, "person"]
