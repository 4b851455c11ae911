"""Filters of the plans API.

A case or plan id in a filter is checked against what the user may see: an invisible one is
"not a valid choice", exactly like a missing one (no existence leak).
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Leefgebied
from cases.policies import CasePart
from partners.models import Organisation
from plans.models import Evaluation, ItatMeeting, Plan, PlanGoal
from plans.workflow import PlanStatus


def _visible_plans(request):
    return Plan.objects.visible_to(request.user) if request is not None else Plan.objects.none()


def _cases_with_visible_plans(request):
    if request is None:
        return Case.objects.none()
    return Case.objects.visible_to(request.user, CasePart.PLAN)


class PlanFilter(django_filters.FilterSet):
    case = django_filters.ModelChoiceFilter(queryset=_cases_with_visible_plans, label=_("Case"))
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label=_("Status"))

    class Meta:
        model = Plan
        fields = ["case", "status"]


class PlanGoalFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(queryset=_visible_plans, label=_("Plan"))
    leefgebied = django_filters.ChoiceFilter(choices=Leefgebied.choices, label=_("Leefgebied"))
    responsible_organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(), label=_("Responsible organisation")
    )

    class Meta:
        model = PlanGoal
        fields = ["plan", "leefgebied", "responsible_organisation"]


class ItatMeetingFilter(django_filters.FilterSet):
    held = django_filters.BooleanFilter()
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = ItatMeeting
        fields = ["held", "date_after", "date_before"]


class EvaluationFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(queryset=_visible_plans, label=_("Plan"))
    case = django_filters.ModelChoiceFilter(
        field_name="plan__case", queryset=_cases_with_visible_plans, label=_("Case")
    )

    class Meta:
        model = Evaluation
        fields = ["plan", "case"]
