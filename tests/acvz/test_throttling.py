"""The API answers a client beyond its rate with 429 problem+json and Retry-After: per user
(a person or a partner system's token) and, for the anonymous, per source address."""

from __future__ import annotations

import pytest
from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(monkeypatch):
    rates = {"user": "5/minute", "anon": "3/minute"}
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", rates)


def test_a_user_beyond_the_rate_gets_429_with_retry_after(low_rates, people):
    client = APIClient()
    client.force_authenticate(people["regisseur"])
    answers = [client.get("/api/v1/cases").status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    response = client.get("/api/v1/cases")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    # Another user has a rate of their own.
    other = APIClient()
    other.force_authenticate(people["partner"])
    assert other.get("/api/v1/cases").status_code == 200


def test_anonymous_guesses_are_throttled_per_source(low_rates, settings):
    settings.REGIE_API_BAD_TOKENS_PER_MINUTE = 3
    client = APIClient()
    answers = [
        client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Token guess{i}").status_code
        for i in range(5)
    ]
    assert answers[:3] == [401, 401, 401]
    assert answers[3:] == [429, 429]


def test_production_rates():
    assert api_settings.DEFAULT_THROTTLE_CLASSES
    assert set(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]) == {"user", "anon"}
