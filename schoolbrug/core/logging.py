"""Keeps live secrets in URLs out of the logs, and gives every log line its request id.

An activation link (/accounts/activate/<token>/) and a password reset link
(/accounts/password/reset/<uid>/<token>/) are keys to an account for as long as they are valid.
Access logs (uvicorn.access, django.server) and Django's request log ("Gone: <path>") write the
path of every request, so whoever reads the logs could use them. `MaskSecretPathsFilter` replaces
the path segments after those prefixes, in the message and in its arguments, before any handler
formats the record. config/settings.py LOGGING attaches it to the console handler and to the
loggers that write request paths.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

MASK = "[hidden]"
# After the prefix, everything up to whitespace, a quote or the query string is secret; the
# fixed page ".../password/reset/done/" holds none.
SECRET_PATH = re.compile(r"(/accounts/(?:activate|password/reset)/)(?!done/)[^\s\"'<>?#]+")


def mask_secret_paths(text: str) -> str:
    return SECRET_PATH.sub(rf"\g<1>{MASK}/", text)


def _mask(value: Any) -> Any:
    return mask_secret_paths(value) if isinstance(value, str) else value


class MaskSecretPathsFilter(logging.Filter):
    """Masks activation and password reset tokens in a log record; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _mask(record.msg)
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(_mask(arg) for arg in args)
        elif isinstance(args, Mapping):
            record.args = {key: _mask(value) for key, value in args.items()}
        return True


# -- request ids and JSON lines ---------------------------------------------------------------

# The id of the request this thread or task is serving; "-" outside a request (workers, scheduler).
current_request_id: ContextVar[str] = ContextVar("schoolbrug_request_id", default="-")

# What a proxy or client may hand in as X-Request-ID: short, printable, no spaces or quotes, so it
# can never break a log line or smuggle text into one. Anything else is replaced by our own id.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")


def sane_request_id(value: str | None) -> str | None:
    return value if value and SANE_REQUEST_ID.fullmatch(value) else None


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request being served (`-` outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


# Attributes every LogRecord has; anything else on a record came in through `extra=` and is kept.
_STANDARD_ATTRIBUTES = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request id, extras.

    The message is formatted (and masked by MaskSecretPathsFilter) before it gets here; extras
    (`extra=`) are kept when they are plain values, strings masked too, as they may hold paths.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", current_request_id.get()),
            "process": record.process,
        }
        for key, value in record.__dict__.items():
            # Plain values only: Django passes the request object along, whose repr holds the path
            # unmasked (and would hold whatever a future Django puts in it).
            if (
                key not in _STANDARD_ATTRIBUTES
                and key not in entry
                and not key.startswith("_")
                and isinstance(value, str | int | float | bool)
            ):
                entry[key] = _mask(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
