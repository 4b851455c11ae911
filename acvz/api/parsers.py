"""The API's JSON parser: a body nested deeper than anyone's data is a 400, not a crash."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            # Python's decoder recurses per level; ~1000 levels exhaust the stack.
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from exc
