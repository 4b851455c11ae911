from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from acvz.web import VersionedForm
from meetings.models import Agreement, AgreementStatus, EscalationSubject
from meetings.selectors import AgreementShow, agreement_owner_candidates
from partners.models import Organisation, User

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UvoPlanForm(forms.Form):
    planned_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


class UvoRecordForm(VersionedForm):
    held_on = forms.DateField(label=_("Held on"), widget=DATE_INPUT)
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    others = forms.CharField(
        label=_("Other attendees (one per line)"),
        help_text=_("Name, with the organisation in brackets: “J. Jansen (Leger des Heils)”."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, team, attendees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.team = list(team)
        present = {a.organisation_id for a in attendees if a.present}
        for membership in self.team:
            self.fields[f"present_{membership.organisation_id}"] = forms.BooleanField(
                label=str(membership.organisation),
                required=False,
                initial=not attendees or membership.organisation_id in present,
            )

    def presence_fields(self):
        return [self[f"present_{m.organisation_id}"] for m in self.team]

    def attendees(self) -> list[dict]:
        rows = [
            {
                "organisation": m.organisation,
                "present": self.cleaned_data[f"present_{m.organisation_id}"],
            }
            for m in self.team
        ]
        for line in self.cleaned_data["others"].splitlines():
            if line.strip():
                name, organisation = _named_attendee(line.strip())
                rows.append({"organisation": organisation, "name": name[:200], "present": True})
        return rows


def _named_attendee(line: str) -> tuple[str, Organisation | None]:
    """ "Name (Organisation)" with an organisation in Regie (by code or name) is linked to it;
    anything else is kept as typed, without an organisation (never the regie organisation)."""
    if line.endswith(")") and "(" in line:
        name, _sep, label = line[:-1].rpartition("(")
        label = label.strip()
        organisation = Organisation.objects.filter(
            Q(code__iexact=label) | Q(name__iexact=label)
        ).first()
        if organisation is not None and name.strip():
            return name.strip(), organisation
    return line, None


class NextUvoForm(forms.Form):
    """The next UVO on the cadence, proposed when one is recorded."""

    planned_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    same_attendees = forms.BooleanField(
        label=_("Invite the same attendees"), required=False, initial=True
    )


class UvoCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CadenceForm(forms.Form):
    weeks = forms.IntegerField(label=_("UVO every (weeks)"), min_value=1, max_value=26)
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Empty: until changed again."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AgreementForm(forms.Form):
    description = forms.CharField(label=_("Agreement"), widget=forms.Textarea(attrs={"rows": 2}))
    owner_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation")
    )
    owner_person = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Person"),
        help_text=_(
            "Someone of the organisation around this case (named on the team, at a UVO, or its "
            "contact). Empty: the organisation's professional on the team, or its contact."
        ),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE_INPUT)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        org_ids = [m.organisation_id for m in case.team.all() if m.left_on is None]
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(pk__in=org_ids)
        self.fields["owner_person"].queryset = agreement_owner_candidates(
            case=case, organisation_ids=org_ids
        )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline lies in the past."))
        return deadline


class AgreementStatusForm(forms.Form):
    status = forms.ChoiceField(choices=AgreementStatus.choices, label=_("Status"))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class AgreementFilterForm(forms.Form):
    """The filters of the agreements page (GET); invalid input falls back to the defaults."""

    show = forms.ChoiceField(
        label=_("Show"), choices=AgreementShow.choices, required=False, initial=AgreementShow.OPEN
    )
    q = forms.CharField(label=_("Case number or name"), required=False, max_length=100)

    def filters(self) -> dict:
        if not self.is_valid():
            return {"show": AgreementShow.OPEN, "search": ""}
        return {
            "show": self.cleaned_data["show"] or AgreementShow.OPEN,
            "search": self.cleaned_data["q"],
        }


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("Also send my notifications by e-mail"), required=False)
    digest = forms.BooleanField(
        label=_("Bundle them in one e-mail a day (at 07:30) instead of one per notification"),
        required=False,
    )


class DashboardFilterForm(forms.Form):
    """The dashboard's filter (programme) and the figure whose list is open. Unknown values are
    form errors shown above the table, never a crash."""

    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("All programmes")
    )
    regisseur = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    figure = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, organisation=None, **kwargs):
        """`organisation`: the only regie organisation this viewer may choose (an
        accounthouder reads the figures of its own organisation)."""
        from cases.models import Programme

        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.order_by("code")
        if organisation is not None:
            field = self.fields["organisation"]
            field.queryset = Organisation.objects.filter(pk=organisation.pk)
            field.empty_label = None
            field.initial = organisation.pk

    def clean_figure(self) -> str:
        from meetings.dashboard import FIGURE_KEYS

        figure = self.cleaned_data["figure"]
        if figure and figure not in FIGURE_KEYS:
            raise forms.ValidationError(_("Unknown figure."))
        return figure


class FiguresFilterForm(forms.Form):
    """The programme figures' filter: a programme (or all) and a period of whole months."""

    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("All programmes")
    )
    organisation = forms.ModelChoiceField(
        label=_("Regie organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("All organisations"),
    )
    start = forms.DateField(
        label=_("From (month)"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    end = forms.DateField(
        label=_("To (month)"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args, organisation=None, **kwargs):
        """`organisation`: the only regie organisation this viewer may choose (an
        accounthouder reads the figures of its own organisation)."""
        from cases.models import Programme

        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.order_by("code")
        if organisation is not None:
            field = self.fields["organisation"]
            field.queryset = Organisation.objects.filter(pk=organisation.pk)
            field.empty_label = None
            field.initial = organisation.pk

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end lies before the start."))
        if start and end and (end.year - start.year) * 12 + end.month - start.month > 60:
            self.add_error("end", _("Choose at most five years."))
        return cleaned

    def period(self):
        """The chosen period (whole months, up to today), else the last twelve months."""
        from datetime import timedelta

        from meetings.figures import Period, default_period

        today = timezone.localdate()
        period = default_period(today)
        if not self.is_bound or not self.is_valid():
            return period
        start = self.cleaned_data.get("start") or period.start
        end = self.cleaned_data.get("end")
        if end is not None:
            end = (end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        end = min(end or today, today)
        return Period(start.replace(day=1), max(end, start.replace(day=1)))


class EscalationForm(forms.Form):
    """The regisseur's question up the ladder. The goal and agreement choices are the case's
    declined goals and overdue open agreements (the view gives them)."""

    subject = forms.ChoiceField(
        label=_("About"), choices=[("", _("— choose —")), *EscalationSubject.choices]
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation concerned")
    )
    goal = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Goal"),
        help_text=_("For a declined commitment or a blocked intervention."),
    )
    agreement = forms.ModelChoiceField(
        queryset=Agreement.objects.none(),
        required=False,
        label=_("Agreement"),
        help_text=_("For an agreement past its deadline."),
    )
    question = forms.CharField(
        label=_("Question"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Read by every level it reaches, up to the Directeurenoverleg and the Stuurgroep: "
            "write what the question needs, no more about the person."
        ),
    )

    def __init__(self, *args, organisations, goals, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["goal"].queryset = goals
        self.fields["goal"].label_from_instance = lambda g: (
            f"{g.leefgebied}. {g.goal[:80]} ({g.responsible_organisation})"
        )
        self.fields["agreement"].queryset = agreements
        self.fields["agreement"].label_from_instance = lambda a: (
            f"{a.deadline:%d-%m-%Y} {a.owner_organisation}: {a.description[:80]}"
        )


class EscalationStepForm(VersionedForm):
    action = forms.ChoiceField(
        choices=[
            ("answer", _("Answer")),
            ("decide", _("Decide")),
            ("escalate", _("Escalate further")),
            ("withdraw", _("Withdraw")),
        ],
        widget=forms.HiddenInput,
    )
    text = forms.CharField(
        label=_("Your answer, decision or reason"), widget=forms.Textarea(attrs={"rows": 3})
    )


class WebhookSubscriptionForm(VersionedForm):
    """A partner system's webhook (`meetings.webhooks.webhook_subscribe` / `webhook_change`)."""

    user = forms.ModelChoiceField(
        queryset=None,
        label=_("Partner system"),
        help_text=_(
            "Events are sent only for cases this system sees, with its organisation's need-to-know."
        ),
    )
    url = forms.URLField(
        label=_("Endpoint URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https:// address of the partner system that answers 2xx."),
    )
    event_types = forms.MultipleChoiceField(
        label=_("Events"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        from meetings.models import WebhookEventType
        from partners.models import Role, User

        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["user"]
        else:  # a new subscription has no version yet
            del self.fields["lock_version"]
            self.fields["user"].queryset = (
                User.objects.filter(is_active=True, groups__role_group__role=Role.PARTNER_SYSTEM)
                .select_related("organisation")
                .order_by("organisation__name", "username")
            )
            self.fields["user"].label_from_instance = lambda u: f"{u.organisation} · {u.username}"
        self.fields["event_types"].choices = [
            (value, f"{value} — {label}") for value, label in WebhookEventType.choices
        ]
