import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def bsn_is_valid(value: str) -> bool:
    """The 11-test (elfproef) for a BSN: 9 digits, weights 9..2 and -1, sum divisible by 11."""
    if not re.fullmatch(r"[0-9]{9}", value):  # ASCII only: isdigit() takes other scripts
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = sum(int(d) * w for d, w in zip(value, weights, strict=True))
    return total % 11 == 0 and total != 0


def validate_bsn(value: str | None) -> None:
    if value in (None, ""):
        return
    if not bsn_is_valid(value):
        raise ValidationError(
            _("This is not a valid BSN: it must be 9 digits and pass the 11-test."),
            code="invalid_bsn",
        )


def validate_no_nul(value: str) -> None:
    if value and "\x00" in value:
        raise ValidationError(_("The text contains a NUL character."), code="null_characters")
