"""What an API key may do (`partners.ApiScope`): reading needs `read`; a write needs the scope
its view names — `api_scope` for the whole view set, `api_scopes` per action (a search by POST
names `read`). A write whose view names no scope is refused to every key (fail closed;
`tests/acvz/test_api_scopes.py` holds every write operation of the schema to a named scope). A
person's session in the browsable API is not a key: scopes do not apply to it."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from partners.models import ApiKey, ApiScope


def scope_for(view, method: str) -> str | None:
    """The scope this request needs, or None when no key may make it."""
    if method in SAFE_METHODS:
        return ApiScope.READ
    scopes = getattr(view, "api_scopes", {})
    return scopes.get(getattr(view, "action", None), getattr(view, "api_scope", None))


class KeyHasScope(BasePermission):
    code = "insufficient_scope"

    def has_permission(self, request, view) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            return True
        if request.method not in SAFE_METHODS and getattr(view, "action", "") is None:
            return True  # no such operation: DRF answers 405
        needed = scope_for(view, request.method)
        self.message = (
            f"This key lacks the scope “{needed}”."
            if needed
            else "No API key may make this request."
        )
        return needed is not None and needed in key.scopes
