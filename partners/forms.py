from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _

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
