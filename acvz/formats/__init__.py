"""Per-language date and number formats (`FORMAT_MODULE_PATH`), and the one date written the same
in every language."""

from datetime import date


def dmy(day: date) -> str:
    """A date as the network writes it in a sentence that is stored or sent (an eligibility
    reason, a notification, a work item): 03-12-2020, in Dutch and English alike."""
    return f"{day.day:02d}-{day.month:02d}-{day.year}"
