"""The shared helpers of the browser views (acvz/web.py)."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from acvz.errors import DomainError
from acvz.web import PAGE_WITHOUT_VERSION, VersionedForm, add_validation_errors, posted_lock_version


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
    ("data", "expected"), [({"lock_version": "3"}, 3), ({"lock_version": "0"}, 0)]
)
def test_the_posted_lock_version_is_the_number_the_page_showed(data, expected):
    assert posted_lock_version(RequestFactory().post("/", data)) == expected


@pytest.mark.parametrize(
    "data", [{}, {"lock_version": ""}, *({"lock_version": bad} for bad in ("x", "1.5", "3; DROP"))]
)
def test_a_post_without_a_version_is_refused_not_written_unchecked(data):
    """Missing or not a number: a DomainError the view shows (no 500, and no write that could
    overwrite a change made meanwhile)."""
    with pytest.raises(DomainError) as refused:
        posted_lock_version(RequestFactory().post("/", data))
    assert refused.value.code == "stale"
    assert str(refused.value.message) == str(PAGE_WITHOUT_VERSION)


class _Versioned(VersionedForm):
    name = forms.CharField()


@pytest.mark.parametrize("version", [{}, {"lock_version": "x"}])
def test_a_versioned_form_without_its_version_says_so_above_the_form(version):
    form = _Versioned({"name": "x", **version})
    assert not form.is_valid()
    assert form.non_field_errors() == [str(PAGE_WITHOUT_VERSION)]
    assert "lock_version" not in form.errors
    assert _Versioned({"name": "x", "lock_version": "2"}).is_valid()
