"""The shared helpers of the browser views (acvz/web.py)."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from acvz.web import add_validation_errors, posted_lock_version


class _Form(forms.Form):
    name = forms.CharField(required=False)


def test_a_services_validation_error_lands_on_its_field_or_above_the_form():
    form = _Form({"name": "x"})
    assert form.is_valid()
    add_validation_errors(
        form,
        ValidationError({"name": ["too short", "taken"], "hashed_key": ["not on this form"]}),
    )
    assert form.errors["name"] == ["too short", "taken"]
    assert form.non_field_errors() == ["not on this form"]
    assert form.cleaned_data == {}  # a field with an error leaves the cleaned data


def test_an_error_without_fields_lands_above_the_form():
    form = _Form({"name": "x"})
    assert form.is_valid()
    add_validation_errors(form, ValidationError(["first", "second"]))
    add_validation_errors(form, ValidationError("third"))
    assert form.non_field_errors() == ["first", "second", "third"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"lock_version": "3"}, 3),
        ({"lock_version": "0"}, 0),
        ({}, None),
        ({"lock_version": ""}, None),
    ]
    + [({"lock_version": bad}, None) for bad in ("x", "1.5", "3; DROP")],
)
def test_the_posted_lock_version_is_a_number_or_none(data, expected):
    """Missing or not a number: None, and the service writes unchecked (no 500)."""
    assert posted_lock_version(RequestFactory().post("/", data)) == expected
