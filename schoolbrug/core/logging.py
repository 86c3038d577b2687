"""Keeps live secrets in URLs out of the logs.

An activation link (/accounts/activate/<token>/) and a password reset link
(/accounts/password/reset/<uid>/<token>/) are keys to an account for as long as they are valid.
Access logs (uvicorn.access, django.server) and Django's request log ("Gone: <path>") write the
path of every request, so whoever reads the logs could use them. `MaskSecretPathsFilter` replaces
the path segments after those prefixes, in the message and in its arguments, before any handler
formats the record. config/settings.py LOGGING attaches it to the console handler and to the
loggers that write request paths.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
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
