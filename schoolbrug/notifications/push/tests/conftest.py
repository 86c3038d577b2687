from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from schoolbrug.accounts.models import Account
from schoolbrug.notifications.push.testing import PushService
from schoolbrug.notifications.push.vapid import generate_private_key


@pytest.fixture
def vapid_key(settings: Any) -> str:
    key = generate_private_key()
    settings.SCHOOLBRUG_VAPID_PRIVATE_KEY = key
    settings.SCHOOLBRUG_PUSH_CONTACT = "Basisschool De Brug <beheer@debrug.example.nl>"
    return key


@pytest.fixture
def push_service(settings: Any, vapid_key: str) -> Iterator[PushService]:
    with PushService() as service:
        settings.SCHOOLBRUG_PUSH_SERVICES = [*settings.SCHOOLBRUG_PUSH_SERVICES, service.origin]
        settings.SCHOOLBRUG_PUSH_TIMEOUT_SECONDS = 2
        yield service


@pytest.fixture
def guardian(db: None) -> Account:
    return Account.objects.create_account(kind=Account.Kind.GUARDIAN, email="ouder@example.nl", password="x" * 12)


@pytest.fixture
def other_guardian(db: None) -> Account:
    return Account.objects.create_account(kind=Account.Kind.GUARDIAN, email="ander@example.nl", password="x" * 12)
