"""Reading a request body strictly: a field the operation does not know is a 400 with
`invalid_params` (`unknown_field`), not silently ignored — a mistyped `externalId` must not
quietly make a second record. Nor is a value coerced from another JSON type (`"12"` or `1.5`
for an id, `1` for a boolean, a number for a text): `wrong_type`. Dates and timestamps lie
between 1900 and 2100 (`out_of_range`): year 1 or 9999 is a typing error, not a date."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError

#: The years a date may have in the API (inclusive).
YEARS = (1900, 2100)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _json_type(field) -> tuple[Callable[[object], bool], str] | None:
    """What JSON type a field takes, and its name for the message; None: not checked here."""
    if isinstance(field, serializers.ManyRelatedField):
        inner = _json_type(field.child_relation)
        if inner is None:
            return None
        check, name = inner
        return (lambda v: isinstance(v, list) and all(check(i) for i in v)), f"array of {name}"
    if isinstance(field, serializers.PrimaryKeyRelatedField | serializers.IntegerField):
        return _is_int, "integer"
    if isinstance(field, serializers.BooleanField):
        return (lambda v: isinstance(v, bool)), "boolean"
    if isinstance(field, serializers.FloatField | serializers.DecimalField):
        return _is_number, "number"
    if isinstance(field, serializers.MultipleChoiceField | serializers.ListField):
        return (lambda v: isinstance(v, list)), "array"
    if isinstance(field, serializers.ChoiceField):
        if field.choices and all(_is_int(key) for key in field.choices):
            return _is_int, "integer"
        return (lambda v: isinstance(v, str)), "string"
    if isinstance(
        field,
        serializers.CharField
        | serializers.SlugRelatedField
        | serializers.DateField
        | serializers.DateTimeField
        | serializers.TimeField,
    ):
        return (lambda v: isinstance(v, str)), "string"
    if isinstance(field, serializers.Serializer):
        return (lambda v: isinstance(v, Mapping)), "object"
    return None


def _problems(serializer, data: Mapping) -> dict:
    errors: dict = {}
    for name, value in data.items():
        field = serializer.fields.get(name)
        if field is None or field.read_only or value is None:
            continue
        expected = _json_type(field)
        if isinstance(field, serializers.Serializer) and isinstance(value, Mapping):
            inner = _problems(field, value)  # a nested object is read as strictly
            if inner:
                errors[name] = inner
        elif expected is not None and not expected[0](value):
            message = _("Give a JSON %(type)s, not a %(given)s.") % {
                "type": expected[1],
                "given": _JSON_NAMES.get(type(value), type(value).__name__),
            }
            errors[name] = [ErrorDetail(message, code="wrong_type")]
        elif isinstance(field, serializers.DateField | serializers.DateTimeField):
            year = value[:4]
            if year.isdigit() and not YEARS[0] <= int(year) <= YEARS[1]:
                message = _("Give a date between %(first)s and %(last)s.") % {
                    "first": YEARS[0],
                    "last": YEARS[1],
                }
                errors[name] = [ErrorDetail(message, code="out_of_range")]
    return errors


_JSON_NAMES = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "array",
    dict: "object",
}


def validated(serializer_class, *, data, context=None, instance=None, partial=False):
    """The serializer, validated (400 on bad, unknown or coerced input)."""
    serializer = serializer_class(instance, data=data, context=context or {}, partial=partial)
    if isinstance(data, Mapping):
        unknown = _unknown(serializer, data)
        if unknown:
            raise ValidationError(unknown)
        problems = _problems(serializer, data)
        if problems:  # with what else is wrong, as one answer
            errors = {} if serializer.is_valid() else dict(serializer.errors)
            raise ValidationError(errors | problems)
    serializer.is_valid(raise_exception=True)
    return serializer


def _unknown(serializer, data: Mapping) -> dict:
    """The fields `data` has that `serializer` does not take, also inside nested objects."""
    errors: dict = {}
    for name, value in data.items():
        field = serializer.fields.get(name)
        if field is None:
            message = _("Unknown field: this operation does not take it.")
            errors[str(name)] = [ErrorDetail(message, code="unknown_field")]
        elif isinstance(field, serializers.Serializer) and isinstance(value, Mapping):
            inner = _unknown(field, value)
            if inner:
                errors[name] = inner
    return errors
