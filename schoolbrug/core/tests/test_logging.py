"""Activation and password reset tokens never reach the logs (SECURITY.md: no secrets in logs)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from schoolbrug.accounts.activation import ActivationToken, activation_token_issue
from schoolbrug.accounts.models import Account
from schoolbrug.core.logging import MaskSecretPathsFilter, mask_secret_paths


class MaskingTests(TestCase):
    def test_request_log_of_an_expired_activation_link_does_not_contain_the_token(self) -> None:
        account = Account.objects.create_account(kind=Account.Kind.GUARDIAN, email="anna@test.nl", first_name="A")
        raw = activation_token_issue(account=account)
        ActivationToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        with self.assertLogs("django.request", level="WARNING") as logs:
            response = self.client.get(reverse("accounts:activate", args=[raw]))
        self.assertEqual(response.status_code, 410)
        text = "\n".join(logs.output) + "\n".join(str(r.args) + str(r.msg) for r in logs.records)
        self.assertIn("/accounts/activate/[hidden]/", text)
        self.assertNotIn(raw, text)

    def test_uvicorn_access_and_error_log_records_are_masked(self) -> None:
        token = "abcDEF123_-xyz"
        for name in ("uvicorn.access", "uvicorn.error", "django.server"):
            with self.assertLogs(name, level="INFO") as logs:
                logging.getLogger(name).info(
                    '%s - "%s %s HTTP/%s" %d',
                    "10.0.0.1:5000",
                    "GET",
                    f"/accounts/password/reset/MQ/{token}/",
                    "1.1",
                    404,
                )
            self.assertNotIn(token, logs.output[0], name)
            self.assertIn("/accounts/password/reset/[hidden]/", logs.output[0], name)

    def test_the_console_handler_masks_what_other_loggers_pass_on(self) -> None:
        [console] = [
            h for h in logging.getLogger().handlers if any(isinstance(f, MaskSecretPathsFilter) for f in h.filters)
        ]
        record = logging.LogRecord("any", logging.INFO, __file__, 1, "opened %(path)s", None, None)
        record.args = {"path": "/accounts/activate/tok3n/?x=1"}
        console.filter(record)
        self.assertEqual(record.getMessage(), "opened /accounts/activate/[hidden]/?x=1")

    def test_other_paths_and_the_done_page_stay_readable(self) -> None:
        self.assertEqual(mask_secret_paths("GET /accounts/login/ 200"), "GET /accounts/login/ 200")
        self.assertEqual(mask_secret_paths("/accounts/password/reset/done/"), "/accounts/password/reset/done/")
