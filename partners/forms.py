from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.contrib.auth.forms import SetPasswordForm as DjangoSetPasswordForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from acvz.web import VersionedForm
from partners.models import (
    COMPETENCE_DESCRIPTIONS,
    COMPETENCE_ROLES,
    Competence,
    Expertise,
    RegisseurStyle,
)
from partners.services import user_password_change


class PasswordChangeForm(DjangoPasswordChangeForm):
    """The user's own password change; it ends an administrator's "must change" obligation."""

    def clean(self):
        data = super().clean()
        password = data.get("new_password2")
        if password and self.user.check_password(password):
            self.add_error(
                "new_password2",
                forms.ValidationError(
                    _("Choose a password other than the one you have now."),
                    code="password_unchanged",
                ),
            )
        return data

    def save(self, commit=True):
        return user_password_change(user=self.user, password=self.cleaned_data["new_password1"])


#: How many reset e-mails one address, and one source, may ask for in an hour.
RESET_REQUESTS_PER_HOUR = 5


def _count(key: str) -> int:
    """Increments and returns an hourly counter in the cache."""
    if cache.add(key, 1, 3600):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired in between
        cache.add(key, 1, 3600)
        return 1


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's reset by e-mail: the answer is the same whether or not the address is known;
    an address or a source that asks more than RESET_REQUESTS_PER_HOUR times an hour gets no
    more e-mails for a while (the page looks the same)."""

    def send_reset(self, request) -> None:
        email = self.cleaned_data["email"].strip().lower()
        from acvz.http import client_ip

        over = [
            _count(f"regie:reset:{key}") > RESET_REQUESTS_PER_HOUR
            for key in (f"email:{email}", f"ip:{client_ip(request)}")
        ]
        if any(over):
            return
        site = settings.REGIE_SITE_URL.rstrip("/")
        self.save(
            request=request,
            use_https=site.startswith("https://"),
            domain_override=site.split("://", 1)[-1],
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.txt",
            from_email=None,
        )


class SetPasswordForm(DjangoSetPasswordForm):
    """The new password chosen through the e-mailed link (recorded as such in the history)."""

    def save(self, commit=True):
        return user_password_change(
            user=self.user, password=self.cleaned_data["new_password1"], reset=True
        )


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_(
            "The six digits your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class SecondFactorSetupForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        help_text=_("The six digits the app shows after you added Regie to it."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class ApiKeyForm(forms.Form):
    """A new API key for a partner system (`partners.services.api_key_issue`)."""

    user = forms.ModelChoiceField(
        queryset=None,
        label=_("Partner system"),
        help_text=_("The key acts as this system, with its organisation's need-to-know."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        help_text=_("What the key is for, e.g. “BVH koppeling productie”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Give the system only what it needs; reading needs “Read”."),
    )
    expires_on = forms.DateField(
        label=_("Valid through"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        from partners.models import ApiScope, Role, User

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(is_active=True, groups__role_group__role=Role.PARTNER_SYSTEM)
            .select_related("organisation")
            .order_by("organisation__name", "username")
        )
        self.fields["user"].label_from_instance = lambda u: f"{u.organisation} · {u.username}"
        self.fields["scopes"].choices = ApiScope.choices
        self.fields["expires_on"].help_text = _("At most %(n)s days ahead.") % {
            "n": settings.REGIE_API_KEY_MAX_DAYS
        }


class RegisseurProfileForm(VersionedForm):
    style = forms.ChoiceField(
        label=_("Regie style"),
        required=False,
        choices=[("", _("not given")), *RegisseurStyle.choices],
        help_text=_(
            "Case-oriented: close to the person, building trust. Network-oriented: on the "
            "interplay of the organisations, coaching from a distance."
        ),
    )
    expertise = forms.MultipleChoiceField(
        label=_("Expertise"),
        required=False,
        choices=Expertise.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.CharField(
        label=_("Languages besides Dutch"),
        required=False,
        max_length=400,
        help_text=_("Separated by commas, e.g. English, Arabic, Papiamentu."),
    )
    capacity = forms.IntegerField(
        label=_("Capacity (cases)"),
        required=False,
        min_value=1,
        max_value=200,
        help_text=_("The most cases you direct at once."),
    )

    def clean_languages(self) -> list[str]:
        names = [" ".join(n.split()) for n in self.cleaned_data["languages"].split(",")]
        names = [n for n in names if n]
        if any(len(n) > 40 for n in names):
            raise forms.ValidationError(_("Give each language as a short name."))
        if len(names) > 12:
            raise forms.ValidationError(_("Give at most 12 languages."))
        return names


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class CompetenceScanForm(forms.Form):
    """One score of 1 to 5 per competence (the report's chapter 5) and a private note."""

    note = forms.CharField(
        label=_("Private note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only you read this note."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        note = self.fields.pop("note")
        for competence in Competence:
            self.fields[competence.value] = forms.TypedChoiceField(
                label=competence.label,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=COMPETENCE_DESCRIPTIONS[competence],
                error_messages={"required": _("Give a score from 1 to 5.")},
            )
        self.fields["note"] = note

    def roles(self):
        """The fields grouped under the report's four roles, for the page."""
        return [
            (role, [self[c.value] for c in competences]) for role, competences in COMPETENCE_ROLES
        ]

    def scores(self) -> dict[str, int]:
        return {c: self.cleaned_data[c] for c in Competence.values}
