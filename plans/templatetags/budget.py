"""`{{ cents|euro }}`: an amount in whole cents in the Dutch way (€ 1.000,00)."""

from django import template

from plans.budget import euro as _euro

register = template.Library()


@register.filter
def euro(cents) -> str:
    return _euro(cents)
