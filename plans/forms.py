from __future__ import annotations

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from acvz.web import VersionedForm
from cases.forms import OutflowForm
from cases.models import Leefgebied
from partners.models import Organisation, User
from plans.models import ApplicationKind, ApplicationStatus, BudgetPurpose, PlanGoal
from plans.workflow import (
    AMENDABLE_FIELDS,
    GOAL_STATUS_MOVES,
    EvaluationConclusion,
    EvaluationResult,
    GoalStatus,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(VersionedForm):
    analysis = forms.CharField(
        label=_("Analysis and vision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Your own analysis of the situation and vision on the approach."),
    )


class GoalForm(VersionedForm):
    leefgebied = forms.TypedChoiceField(
        choices=Leefgebied.choices, coerce=int, label=_("Leefgebied")
    )
    goal = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 3}))
    interventions = forms.CharField(
        label=_("Interventions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.active(),
        label=_("Responsible organisation"),
        required=False,
        help_text=_("Needed before the plan can be submitted."),
    )
    concerns = forms.ModelChoiceField(
        queryset=None,
        label=_("Concerns a family member"),
        required=False,
        empty_label=_("— the person —"),
        help_text=_("A brother, sister or child the goal is about (goal 3)."),
    )
    start_date = forms.DateField(label=_("Start"), required=False, widget=DATE_INPUT)
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, relatives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concerns"].queryset = relatives

    def clean(self):
        data = super().clean()
        start, target = data.get("start_date"), data.get("target_date")
        if start and target and target < start:
            self.add_error("target_date", _("The target date lies before the start."))
        return data


class GoalProgressForm(forms.Form):
    """A step in a goal's progress: the statuses it may move to (and its own, for a note)."""

    status = forms.ChoiceField(label=_("Status"))
    note = forms.CharField(
        label=_("What happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the status stays the same."),
    )
    on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    uvo = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("At the UVO of"),
        empty_label=_("— not at a UVO —"),
    )

    def __init__(self, *args, goal, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = {goal.status, *GOAL_STATUS_MOVES[goal.status]}
        self.fields["status"].choices = [
            (value, label) for value, label in GoalStatus.choices if value in allowed
        ]
        meetings = apps.get_model("meetings", "UvoMeeting")  # meetings builds on plans
        self.fields["uvo"].queryset = meetings.objects.filter(case_id=goal.plan.case_id)
        self.fields["uvo"].label_from_instance = lambda m: m.planned_at.strftime("%d-%m-%Y")
        self.goal = goal

    def clean(self):
        data = super().clean()
        if data.get("status") == self.goal.status and not (data.get("note") or "").strip():
            self.add_error("note", _("The status stays the same: write what happened."))
        return data


class GoalAmendForm(VersionedForm):
    """The fields of a goal in force that the rule calls amendments (`GOAL_FIELD_CHANGES`);
    the others are shown, not edited: changing them is a revision."""

    interventions = forms.CharField(
        label=_("Interventions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    professional = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Professional"),
        required=False,
        empty_label=_("— nobody named —"),
    )
    start_date = forms.DateField(label=_("Start"), required=False, widget=DATE_INPUT)
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DATE_INPUT)
    reason = forms.CharField(
        label=_("Why the plan changes"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the amendment; the case team is told."),
    )

    def __init__(self, *args, goal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professional"].queryset = User.objects.filter(
            is_active=True, organisation_id=goal.responsible_organisation_id
        ).order_by("last_name", "first_name")
        self.goal = goal

    def clean(self):
        data = super().clean()
        start, target = data.get("start_date"), data.get("target_date")
        if start and target and target < start:
            self.add_error("target_date", _("The target date lies before the start."))
        return data

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in AMENDABLE_FIELDS}


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("— choose —")), *ApplicationKind.choices]
    )
    body = forms.CharField(
        label=_("At"), max_length=200, help_text=_("The outside body, e.g. the municipality.")
    )
    requested_on = forms.DateField(label=_("Requested on"), widget=DATE_INPUT)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApplicationDecisionForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=ApplicationStatus.choices)
    decided_on = forms.DateField(
        label=_("Decided on"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Required once granted, refused or withdrawn."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("status") not in (None, "requested") and not data.get("decided_on"):
            self.add_error("decided_on", _("Give the day of the decision."))
        return data


class ReviewCloseForm(forms.Form):
    note = forms.CharField(
        label=_("Why the plan can stay as it is"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the event; an evaluation records a look at the plan as well."),
    )


class CommitmentForm(forms.Form):
    committed = forms.TypedChoiceField(
        label=_("Can your organisation deliver this?"),
        choices=[("yes", _("Yes, we commit")), ("no", _("No, we decline"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (when declining)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("committed") is False and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why your organisation cannot deliver this goal."))
        return data


class ConfirmForm(forms.Form):
    pass


class ApproveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason to approve without every commitment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required while a goal has no commitment of its organisation (unanswered or "
            "declined); kept with the approval."
        ),
    )


class ReturnForm(forms.Form):
    advice = forms.CharField(
        label=_("Advice to the regisseur"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required unless advice was already given on this version."),
    )


class AdviceForm(forms.Form):
    goal = forms.ModelChoiceField(
        queryset=PlanGoal.objects.none(),
        required=False,
        label=_("On goal"),
        empty_label=_("The plan as a whole"),
    )
    text = forms.CharField(label=_("Advice"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals


class EvaluationForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE_INPUT)
    # No answer is given in advance: each judgement is chosen (an empty choice until then).
    conclusion = forms.ChoiceField(
        choices=[("", _("— choose —")), *EvaluationConclusion.choices], label=_("Conclusion")
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    question = forms.CharField(
        label=_("Question for the expert group"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when the conclusion is a referral to the ITAT-Expertgroep."),
    )

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"result_{goal.pk}"] = forms.ChoiceField(
                choices=[("", _("— choose —")), *EvaluationResult.choices],
                label=f"{goal.leefgebied}. {goal.goal}",
            )
            self.fields[f"explanation_{goal.pk}"] = forms.CharField(
                label=_("Explanation"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self):
        data = super().clean()
        if (
            data.get("conclusion") == EvaluationConclusion.EXPERT_GROUP
            and not (data.get("question") or "").strip()
        ):
            self.add_error("question", _("Give the question for the expert group."))
        return data

    def results(self) -> list[tuple]:
        return [
            (
                goal,
                self.cleaned_data[f"result_{goal.pk}"],
                self.cleaned_data[f"explanation_{goal.pk}"],
            )
            for goal in self.goals
        ]

    def goal_fields(self):
        return [
            (goal, self[f"result_{goal.pk}"], self[f"explanation_{goal.pk}"]) for goal in self.goals
        ]


class ReferralForm(forms.Form):
    question = forms.CharField(
        label=_("Question for the ITAT-Expertgroep"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ReferralAnswerForm(forms.Form):
    advice = forms.CharField(
        label=_("Advice of the expert group"), widget=forms.Textarea(attrs={"rows": 5})
    )


# --- the flexible budget ------------------------------------------------------------------------


class EuroField(forms.Field):
    """An amount in euro as people type it (125, 125,50, 1.000,00 or 125.50): whole cents."""

    default_error_messages = {"invalid": _("Give an amount in euro, e.g. 125,50.")}

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 16})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        import re

        text = str(value or "").strip()[:32].replace("€", "").replace(" ", "").replace("\u00a0", "")
        if not text:
            return None
        if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{1,2})?", text):  # 1.000,50
            text = text.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"\d+,\d{1,2}", text):  # 125,50
            text = text.replace(",", ".")
        if not re.fullmatch(r"\d+(\.\d{1,2})?", text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        whole, _dot, rest = text.partition(".")
        cents = int(whole) * 100 + int((rest + "00")[:2])
        if cents <= 0:
            raise forms.ValidationError(_("The amount must be more than zero."), code="min")
        if cents > 100_000_000:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return cents


class BudgetRequestForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=[("", _("— choose —")), *BudgetPurpose.choices]
    )
    description = forms.CharField(
        label=_("What is it for"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Short and factual: what is bought or paid, and how it helps the plan."),
    )
    amount_cents = EuroField(label=_("Amount (€)"))
    provisions_checked = forms.CharField(
        label=_("Prior provisions checked"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Which voorliggende voorzieningen were checked (e.g. benefits, special assistance, "
            "insurance, debt help) and why none of them pays for this."
        ),
    )
    no_prior_provision = forms.BooleanField(
        label=_("I declare that no prior provision (voorliggende voorziening) applies."),
    )


class BudgetDecisionForm(VersionedForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", pgettext_lazy("budget", "Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a rejection."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the rejection."))
        return data


class BudgetWithdrawForm(VersionedForm):
    """Withdrawing a budget request: only the version the page showed."""


class BudgetPaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_INPUT)
    amount_cents = EuroField(label=_("Amount (€)"))
    payee = forms.CharField(
        label=_("To whom or what"),
        max_length=200,
        help_text=_("E.g. the landlord, the shop, the municipality's desk."),
    )


class BudgetReportForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("All programmes")
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = apps.get_model("cases", "Programme").objects.order_by(
            "code", "pk"
        )
        self.fields["year"].choices = [("", _("All years")), *((y, str(y)) for y in years)]


class HandoverForm(OutflowForm):
    """Outflow with the goals of the plan in force the receiving organisation takes over."""

    goals = forms.ModelMultipleChoiceField(
        queryset=PlanGoal.objects.none(),
        label=_("Goals handed over"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The goals of the plan in force that the receiving organisation takes on."),
    )

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = PlanGoal.objects.filter(pk__in=[g.pk for g in goals])
        labels = {g.pk: f"{g.get_leefgebied_display()}: {g.goal or '—'}" for g in goals}
        self.fields["goals"].label_from_instance = lambda g: labels.get(g.pk, str(g.pk))
        if not goals:  # no plan in force: nothing to hand over (the page says so)
            del self.fields["goals"]
