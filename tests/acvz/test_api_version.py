"""Every API answer names its contract's version (`API-Version`, the schema's `info.version`),
errors raised before a view included; pages do not carry it."""

from __future__ import annotations

import pytest
import yaml
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_the_header_is_the_schemas_version(user_api, client):
    version = yaml.safe_load((settings.BASE_DIR / "openapi.yaml").read_text())["info"]["version"]
    major, _minor, _patch = (int(part) for part in version.split("."))
    assert major == 1  # the path says /api/v1
    assert user_api.get("/api/v1/cases")["API-Version"] == version
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/cases")["API-Version"] == version  # a 401
    assert user_api.get("/api/v1/nothing-here")["API-Version"] == version  # a 404
    assert "API-Version" not in client.get("/login/")


def test_the_schema_names_its_server():
    schema = yaml.safe_load((settings.BASE_DIR / "openapi.yaml").read_text())
    assert schema["servers"] == [
        {"url": "/", "description": "This Regie server (paths include /api/v1)."}
    ]
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
