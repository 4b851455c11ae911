"""Clients of the cases API, authenticated the way partner systems are: with a token."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import api_key


@pytest.fixture
def api_as(db):
    """`api_as(user)`: an API client that sends the user's token."""

    def client_for(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
        client.user = user
        return client

    return client_for
