"""Reading a request body strictly: a field the operation does not know is a 400 with
`invalid_params` (`unknown_field`), not silently ignored — a mistyped `externalId` must not
quietly make a second record."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _
from rest_framework.exceptions import ErrorDetail, ValidationError


def validated(serializer_class, *, data, context=None, instance=None, partial=False):
    """The serializer, validated (400 on bad or unknown input)."""
    serializer = serializer_class(instance, data=data, context=context or {}, partial=partial)
    if isinstance(data, Mapping):
        unknown = sorted(str(name) for name in data if name not in serializer.fields)
        if unknown:
            message = _("Unknown field: this operation does not take it.")
            raise ValidationError(
                {name: [ErrorDetail(message, code="unknown_field")] for name in unknown}
            )
    serializer.is_valid(raise_exception=True)
    return serializer
