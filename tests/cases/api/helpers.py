"""Assertions shared by the cases API tests."""

from __future__ import annotations

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, code: str | None = None) -> dict:
    """The response is an RFC 9457 problem with this status (and problem code)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
    return body


def invalid_names(response) -> set[str]:
    body = assert_problem(response, 400, "invalid")
    return {p["name"] for p in body["invalid_params"]}
