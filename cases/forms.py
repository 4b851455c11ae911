from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from acvz.web import VERSION_ERRORS
from cases.models import (
    DossierContribution,
    OffenceRecord,
    Person,
    Programme,
    RegieStyle,
    RelationKind,
    TeamRole,
    TimelineKind,
)
from cases.services import eligible_accounthouders, eligible_regisseurs
from partners.models import Organisation, OrganisationKind

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "date_of_birth",
            "bsn",
            "address",
            "postcode",
            "city",
            "phone",
            "email",
        ]
        widgets = {"date_of_birth": DATE_INPUT}

    def clean_bsn(self):
        return self.cleaned_data.get("bsn") or None


class RegisterCaseForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Person"))
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.filter(active=True), label=_("Programme")
    )
    override_reason = forms.CharField(
        label=_("Reason to register although not eligible"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons


class ConfirmForm(forms.Form):
    """A transition that needs nothing but a deliberate click."""


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.active(), label=_("Regie organisation")
    )
    regie_style = forms.ChoiceField(
        choices=[("", "—"), *RegieStyle.choices], required=False, label=_("Regie style")
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        dossier = getattr(case, "basisdossier", None)
        if dossier is not None and not self.is_bound:
            self.initial.setdefault("organisation", dossier.advised_organisation_id)
            self.initial.setdefault("regie_style", dossier.advised_style)


class AppointForm(forms.Form):
    regisseur = forms.ModelChoiceField(queryset=None, label=_("Regisseur"))
    accounthouder = forms.ModelChoiceField(queryset=None, label=_("Accounthouder"))

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the regie organisation's own staff can be appointed.
        self.fields["regisseur"].queryset = eligible_regisseurs(case.regie_organisation)
        self.fields["accounthouder"].queryset = eligible_accounthouders(case.regie_organisation)
        if not self.is_bound:
            self.initial.setdefault("accounthouder", user.pk)


class OutflowForm(forms.Form):
    reason = forms.CharField(label=_("Outflow reason"), widget=forms.Textarea(attrs={"rows": 3}))
    receiver = forms.ModelChoiceField(
        queryset=Organisation.objects.active().order_by("name", "pk"),
        label=_("Receiving organisation (regular line)"),
        required=False,
        empty_label=_("Choose from the register"),
    )
    receiving_organisation = forms.CharField(
        label=_("Or, when it is not in the register: its name"), max_length=200, required=False
    )
    handover_note = forms.CharField(
        label=_("Handover note"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def clean(self):
        data = super().clean()
        if not data.get("receiver") and not (data.get("receiving_organisation") or "").strip():
            self.add_error(
                "receiver", _("Choose the receiving organisation, or name one not in the register.")
            )
        return data


TRANSITION_FORMS = {
    "start_dossier": ConfirmForm,
    "establish_dossier": ConfirmForm,
    "assign": AssignForm,
    "appoint_regisseur": AppointForm,
    "start_outflow": OutflowForm,
    "close": ConfirmForm,
    "withdraw": ReasonForm,
}


def _model_field(name: str, **kwargs):
    return DossierContribution._meta.get_field(name).formfield(**kwargs)


class ContributionForm(forms.Form):
    """The user's own organisation's part of a section: a text, or "nothing known"."""

    text = _model_field("text", widget=forms.Textarea(attrs={"rows": 12}))
    nothing_known = _model_field("nothing_known")
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages=VERSION_ERRORS,
    )

    def __init__(self, *args, contribution: DossierContribution | None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and contribution is not None:
            self.initial.update(
                text=contribution.text,
                nothing_known=contribution.nothing_known,
                version=contribution.version,
            )
        elif not self.is_bound:
            self.initial["version"] = 0

    def clean(self):
        data = super().clean()
        if data.get("nothing_known") and (data.get("text") or "").strip():
            self.add_error(
                "nothing_known", _("A contribution marked “nothing known” cannot have text.")
            )
        return data


class DossierRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.active().filter(kind=OrganisationKind.KERNPARTNER),
        label=_("Organisation"),
    )


class AdviceForm(forms.Form):
    advice = forms.CharField(
        label=_("IVG advice on regie"), widget=forms.Textarea(attrs={"rows": 4})
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.active(),
        label=_("Advised regie organisation"),
        required=False,
    )
    style = forms.ChoiceField(
        choices=[("", "—"), *RegieStyle.choices], required=False, label=_("Advised regie style")
    )
    language = forms.CharField(
        label=_("Language for contact"),
        max_length=40,
        required=False,
        help_text=_("Only where it is not Dutch, e.g. Arabic or Papiamentu."),
    )


class TeamMemberForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.active(), label=_("Organisation")
    )
    role = forms.ChoiceField(
        choices=[c for c in TeamRole.choices if c[0] != TeamRole.REGIE], label=_("Role")
    )


class TimelineEventForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            c
            for c in TimelineKind.choices
            if c[0] not in (TimelineKind.STATUS, TimelineKind.TEAM_CHANGE)
        ],
        label=_("Kind"),
    )
    occurred_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Empty: now."),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))


class RelationForm(forms.Form):
    relative = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Relative"))
    kind = forms.ChoiceField(choices=RelationKind.choices, label=_("Relation"))

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relative"].queryset = persons


class MinorWatchStartForm(forms.Form):
    relative = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label=_("Minor relative"),
        empty_label=None,
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.active().order_by("name", "pk"),
        label=_("Followed by"),
        help_text=_("E.g. Jeugdbescherming Regio Amsterdam or the Raad voor de Kinderbescherming."),
    )
    started_on = forms.DateField(
        label=_("Followed since"), required=False, widget=DATE_INPUT, help_text=_("Empty: today.")
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("Short: what the organisation keeps an eye on."),
    )

    def __init__(self, *args, relatives, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["relative"]
        field.queryset = relatives
        # The choices read once (the page asks whether there are any, then draws them).
        self.relatives = list(relatives)
        field.choices = [(p.pk, f"{p} ({p.date_of_birth:%d-%m-%Y})") for p in self.relatives]


class MinorWatchEndForm(forms.Form):
    ended_on = forms.DateField(
        label=_("Followed until"), required=False, widget=DATE_INPUT, help_text=_("Empty: today.")
    )
    reason = forms.CharField(label=_("Reason to stop"), max_length=200)


class OffenceForm(forms.ModelForm):
    class Meta:
        model = OffenceRecord
        fields = ["date", "kind", "category", "description"]
        widgets = {"date": DATE_INPUT, "description": forms.Textarea(attrs={"rows": 2})}


class AccessLogFilterForm(forms.Form):
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Name or person number")}),
    )
    username = forms.CharField(label=_("User name"), required=False, max_length=150)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), required=False, label=_("Organisation")
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict | None:
        """The selector's arguments: none when unbound, None when the form is not valid."""
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return {
            "username": data["username"].strip(),
            "person": data["person"].strip(),
            "organisation": data["organisation"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
