"""Pieces every app's viewsets share: the id of a detail URL, and the request body validated."""

from __future__ import annotations

from rest_framework.exceptions import NotFound

from acvz.api.input import validated


def url_pk(value: str) -> int:
    """The id of a detail URL; malformed is the same 404 as missing."""
    try:
        return int(value)
    except ValueError:
        raise NotFound from None


class ValidatedInputMixin:
    # `self._input(SerializerClass, **context)`: the request body validated strictly
    # (`acvz.api.input.validated`) with the view's serializer context and `context`, as a dict.
    # (A comment, not a docstring: drf-spectacular would show a docstring as the API's text.)

    def _input(self, serializer_class, *, partial: bool = False, **context) -> dict:
        return validated(
            serializer_class,
            data=self.request.data,
            partial=partial,
            context={**self.get_serializer_context(), **context},
        ).validated_data
