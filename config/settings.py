"""Settings come from the environment only (see README, "Configuration").

Without any variable set, Schoolbrug runs the embedded default: SQLite, an in-process channel
layer and the database task worker, with nothing else to install.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SCHOOLBRUG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, not {value!r}.")
    return number


PRODUCTION = env_flag("SCHOOLBRUG_PRODUCTION")
# Off unless asked for (`make dev`): the embedded default is what a school may really run, and
# Django's debug pages show every URL pattern, tracebacks and settings to whoever gets an error.
DEBUG = env_flag("SCHOOLBRUG_DEBUG")


def _secret_key() -> str:
    key = os.environ.get("SCHOOLBRUG_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise RuntimeError("SCHOOLBRUG_SECRET_KEY must be set when SCHOOLBRUG_PRODUCTION is on.")
    # A development key that survives restarts (sessions stay valid) but never lives in git.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("SCHOOLBRUG_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("SCHOOLBRUG_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "schoolbrug.accounts.admin_config.OperatorAdminConfig",  # django.contrib.admin, operator site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "channels",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "schoolbrug.core",
    "schoolbrug.accounts",
    "schoolbrug.sis",
    "schoolbrug.records",
    "schoolbrug.notifications",
    "schoolbrug.notifications.push",
    "schoolbrug.media",
    "schoolbrug.consent",
    "schoolbrug.messaging",
    "schoolbrug.conversations",
    "schoolbrug.agenda",
    "schoolbrug.portal",
    "schoolbrug.demo",
]

MIDDLEWARE = [
    # First: every later middleware's and view's log lines carry the request id.
    "schoolbrug.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "schoolbrug.sis.two_factor_middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "schoolbrug.portal.middleware.ImpersonationReadOnlyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "schoolbrug" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "schoolbrug.sis.context_processors.current_staff",
                "schoolbrug.notifications.context_processors.bell",
            ],
        },
    },
]

# Database: SQLite in var/ unless DATABASE_URL says otherwise (postgres://user@host:port/name).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'schoolbrug.sqlite3'}"),
        conn_max_age=env_int("SCHOOLBRUG_DB_CONN_MAX_AGE", 0),
        # A kept connection is tested before each request reuses it, so after a database restart
        # the first request gets a new connection instead of an error.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes; IMMEDIATE avoids lock upgrades
    # that fail with "database is locked" under concurrent writers.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# How many processes serve pages and WebSockets together (all gunicorn and uvicorn workers of
# all machines). gunicorn and uvicorn take their default worker count from WEB_CONCURRENCY, so
# that counts when SCHOOLBRUG_WEB_PROCESSES is not set. More than one needs Redis: the cache
# (throttling, lock-outs) and the channel layer must be shared (check schoolbrug.E021).
SCHOOLBRUG_WEB_PROCESSES = env_int("SCHOOLBRUG_WEB_PROCESSES", env_int("WEB_CONCURRENCY", 1, minimum=1), minimum=1)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # redis-py 8 gives every connection a 5 s socket timeout; the layer's blocking read (BZPOPMIN)
    # of an idle consumer then fails and the socket is dropped (channels_redis issue 422). The
    # layer sets its own timeouts on its blocking reads, so the socket itself may wait.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": None}]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Accounts
AUTH_USER_MODEL = "accounts.Account"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "schoolbrug.accounts.backends.EmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    # Schoolbrug's own messages for these two (schoolbrug.accounts.password_validation).
    {"NAME": "schoolbrug.accounts.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "schoolbrug.accounts.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Reset links are single-use (the token hashes the password) and short-lived.
PASSWORD_RESET_TIMEOUT = 2 * 3600
OTP_TOTP_ISSUER = "Schoolbrug"

# Login throttling (schoolbrug/accounts/throttling.py): failures are counted per account from
# one address, per account from all addresses, and per address over all accounts, each against
# its own limit, so one person's (or one attacker's) failures on one account never lock out the
# others behind the same address. The cool-off bounds how long anyone can be kept out.
SCHOOLBRUG_LOGIN_FAILURE_LIMIT = int(os.environ.get("SCHOOLBRUG_LOGIN_FAILURE_LIMIT", "10"))
SCHOOLBRUG_LOGIN_ACCOUNT_FAILURE_LIMIT = int(
    os.environ.get("SCHOOLBRUG_LOGIN_ACCOUNT_FAILURE_LIMIT", str(3 * SCHOOLBRUG_LOGIN_FAILURE_LIMIT))
)
SCHOOLBRUG_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SCHOOLBRUG_LOGIN_ADDRESS_FAILURE_LIMIT", "100"))
AXES_HANDLER = "schoolbrug.accounts.throttling.LoginThrottleHandler"
AXES_FAILURE_LIMIT = SCHOOLBRUG_LOGIN_FAILURE_LIMIT
AXES_LOCK_OUT_AT_FAILURE = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_USERNAME_CALLABLE = "schoolbrug.accounts.throttling.login_username"
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SCHOOLBRUG_LOGIN_COOLOFF_MINUTES", "15")))
# The handler clears only the account's own failures from that address on success; axes' reset
# would clear the whole address. Refused attempts during a lock-out are not counted.
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("SCHOOLBRUG_PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

SESSION_COOKIE_AGE = int(os.environ.get("SCHOOLBRUG_SESSION_AGE_SECONDS", str(8 * 3600)))
# Staff open many children's files: short sessions. Guardians use their own phone: longer ones.
SCHOOLBRUG_STAFF_SESSION_SECONDS = int(os.environ.get("SCHOOLBRUG_STAFF_SESSION_SECONDS", str(8 * 3600)))
SCHOOLBRUG_GUARDIAN_SESSION_SECONDS = int(os.environ.get("SCHOOLBRUG_GUARDIAN_SESSION_SECONDS", str(30 * 24 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Internationalisation: Dutch first, English complete.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "schoolbrug" / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
# Numbers are read and shown in the user's language, without grouping: a typed "1.234" in Dutch
# is refused as ambiguous rather than guessed (schoolbrug/core/numbers.py, docs/decisions/0005).
USE_THOUSAND_SEPARATOR = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise warns on every start (and in every test) about a missing STATIC_ROOT, even where it
# serves from the apps.
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "schoolbrug" / "static"]
MEDIA_ROOT = Path(os.environ.get("SCHOOLBRUG_MEDIA_ROOT", VAR_DIR / "media"))
# Photos and files of announcements and conversations (schoolbrug.media, docs/decisions/0021):
# a storage of their own with no URL; every file is served by a view after its permission check.
SCHOOLBRUG_MEDIA_MAX_FILE_BYTES = env_int("SCHOOLBRUG_MEDIA_MAX_FILE_BYTES", 20 * 1024 * 1024, minimum=1024)
# 50 megapixels: an iPhone's 48 MP photo passes, a decompression bomb does not.
SCHOOLBRUG_MEDIA_MAX_PIXELS = env_int("SCHOOLBRUG_MEDIA_MAX_PIXELS", 50_000_000, minimum=1_000_000)
# Production behind nginx: the internal location that serves MEDIA_ROOT/private, e.g.
# "/internal-media/"; the app then answers with X-Accel-Redirect instead of the bytes.
SCHOOLBRUG_MEDIA_ACCEL_REDIRECT = os.environ.get("SCHOOLBRUG_MEDIA_ACCEL_REDIRECT", "").strip()
# The embedded default serves the static files straight from the apps (nothing to collect, never
# stale after an update). Production serves the hashed, compressed copies that `collectstatic`
# writes to STATIC_ROOT: `manage.py run` collects them when they are missing or out of date, and
# a web process refuses to start without them (schoolbrug.core.static).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# E-mail: the console in the embedded default, SMTP in production (settings from the environment).
# The default mailer records every delivered message for the administrators' outbox page and
# hands it to the real backend (schoolbrug.core.mail.RecordingBackend).
_SMTP = "django.core.mail.backends.smtp.EmailBackend"
_EMAIL_BACKEND = os.environ.get(
    "SCHOOLBRUG_EMAIL_BACKEND", _SMTP if PRODUCTION else "django.core.mail.backends.console.EmailBackend"
)
_EMAIL_DELIVERY_OPTIONS: dict[str, object] = {}
MAILERS: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": "schoolbrug.core.mail.RecordingBackend",
        "OPTIONS": {
            "delivery_backend": _EMAIL_BACKEND,
            "delivery_options": _EMAIL_DELIVERY_OPTIONS,
            # The outbox page shows invitation links only where no real guardian gets mail.
            "record_secrets": not PRODUCTION,
        },
    }
}
if _EMAIL_BACKEND == _SMTP:
    _EMAIL_DELIVERY_OPTIONS |= {
        "host": os.environ.get("SCHOOLBRUG_SMTP_HOST", "localhost"),
        "port": int(os.environ.get("SCHOOLBRUG_SMTP_PORT", "587")),
        "username": os.environ.get("SCHOOLBRUG_SMTP_USER", ""),
        "password": os.environ.get("SCHOOLBRUG_SMTP_PASSWORD", ""),
        "use_tls": env_flag("SCHOOLBRUG_SMTP_STARTTLS", default=True),
        "timeout": 30,
    }
DEFAULT_FROM_EMAIL = os.environ.get("SCHOOLBRUG_FROM_EMAIL", "Schoolbrug <noreply@schoolbrug.localhost>")
# Links in e-mail are absolute. Set: the address where guardians reach this site, for every
# link. Empty: the address of the request that caused the mail (schoolbrug.core.outgoing).
SCHOOLBRUG_BASE_URL = os.environ.get("SCHOOLBRUG_BASE_URL", "").strip()

# Web Push (schoolbrug/notifications/push, docs/decisions/0020). The VAPID private key comes from
# the environment or from the file `manage.py vapid_keys` writes (mode 0600, never in git);
# without either, devices cannot subscribe and the account page says so.
SCHOOLBRUG_VAPID_KEY_FILE = Path(os.environ.get("SCHOOLBRUG_VAPID_KEY_FILE", VAR_DIR / "vapid_private_key"))
SCHOOLBRUG_VAPID_PRIVATE_KEY = os.environ.get("SCHOOLBRUG_VAPID_PRIVATE_KEY", "").strip() or (
    SCHOOLBRUG_VAPID_KEY_FILE.read_text().strip() if SCHOOLBRUG_VAPID_KEY_FILE.is_file() else ""
)
# The VAPID `sub`: where a push service reaches the operator about this server's messages.
SCHOOLBRUG_PUSH_CONTACT = os.environ.get("SCHOOLBRUG_PUSH_CONTACT", "").strip() or DEFAULT_FROM_EMAIL
# Subscriptions are accepted only for these push services (https, the host or a subdomain of it):
# the server posts to the endpoint a browser hands in, so it must never be an internal address.
SCHOOLBRUG_PUSH_SERVICES = env_list(
    "SCHOOLBRUG_PUSH_SERVICES",
    "fcm.googleapis.com,updates.push.services.mozilla.com,push.services.mozilla.com,"
    "web.push.apple.com,notify.windows.com",
)
# How long a push service keeps an undelivered message (a phone that is off), and how long one
# request to it may take before the delivery is retried later.
SCHOOLBRUG_PUSH_TTL_SECONDS = env_int("SCHOOLBRUG_PUSH_TTL_SECONDS", 12 * 3600, minimum=0)
SCHOOLBRUG_PUSH_TIMEOUT_SECONDS = env_int("SCHOOLBRUG_PUSH_TIMEOUT_SECONDS", 10, minimum=1)

# Content Security Policy: no inline script or style without the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_flag("SCHOOLBRUG_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading binds the whole domain and its subdomains to HTTPS for browsers for good:
    # the operator decides, so the check that asks for it is silenced unless it is chosen.
    SECURE_HSTS_PRELOAD = env_flag("SCHOOLBRUG_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Probes of a load balancer or systemd on the machine itself come over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Uploaded files (media): the local disk (MEDIA_ROOT) or an S3-compatible object store through
# django-storages (`pip install 'schoolbrug[s3]'`). Either way nothing is public: the bucket is
# private and files go out only through views that check permission first.
SCHOOLBRUG_MEDIA_STORAGE = os.environ.get("SCHOOLBRUG_MEDIA_STORAGE", "local").strip().lower()
if SCHOOLBRUG_MEDIA_STORAGE == "s3":
    _MEDIA_STORAGE: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("SCHOOLBRUG_S3_BUCKET", ""),
            "endpoint_url": os.environ.get("SCHOOLBRUG_S3_ENDPOINT_URL", "") or None,
            "region_name": os.environ.get("SCHOOLBRUG_S3_REGION", "") or None,
            "access_key": os.environ.get("SCHOOLBRUG_S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("SCHOOLBRUG_S3_SECRET_ACCESS_KEY", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
elif SCHOOLBRUG_MEDIA_STORAGE == "local":
    _MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ValueError(f"SCHOOLBRUG_MEDIA_STORAGE must be 'local' or 's3', not {SCHOOLBRUG_MEDIA_STORAGE!r}.")
# Protected files (photos and documents of posts and conversations) go in their own location of
# the same store: nothing in it has a URL, every file is served by schoolbrug.media.serving.
if SCHOOLBRUG_MEDIA_STORAGE == "s3":
    _PRIVATE_STORAGE: dict[str, object] = {
        "BACKEND": _MEDIA_STORAGE["BACKEND"],
        "OPTIONS": {**_MEDIA_STORAGE["OPTIONS"], "location": "private"},  # type: ignore[dict-item]
    }
else:
    _PRIVATE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "private", "base_url": None},
    }
STORAGES = {
    "default": _MEDIA_STORAGE,
    "private": _PRIVATE_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Activation and password reset tokens in request paths are masked (schoolbrug.core.logging) on the
# console handler and on every logger that writes paths. The latter lose their own handlers here
# (uvicorn's, Django's django.server) and propagate to the console handler instead.
_MASKED = {"filters": ["mask_secret_paths"], "handlers": [], "propagate": True}
# Log lines: JSON objects (one per line, for a log collector) or plain text for a terminal; both
# carry the request id (schoolbrug.core.request_id).
SCHOOLBRUG_LOG_FORMAT = os.environ.get("SCHOOLBRUG_LOG_FORMAT", "json" if PRODUCTION else "plain").strip().lower()
if SCHOOLBRUG_LOG_FORMAT not in {"json", "plain"}:
    raise ValueError(f"SCHOOLBRUG_LOG_FORMAT must be 'json' or 'plain', not {SCHOOLBRUG_LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_secret_paths": {"()": "schoolbrug.core.logging.MaskSecretPathsFilter"},
        "request_id": {"()": "schoolbrug.core.logging.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "schoolbrug.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": SCHOOLBRUG_LOG_FORMAT,
            "filters": ["mask_secret_paths", "request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SCHOOLBRUG_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django.request": _MASKED,
        "django.server": _MASKED,
        "uvicorn.access": _MASKED,
        "uvicorn.error": _MASKED,
    },
}

# Hourly limits per administrator on costly actions (SECURITY 2.4.1), counted from the audit log.
SCHOOLBRUG_SINGLE_INVITATIONS_PER_HOUR = env_int("SCHOOLBRUG_SINGLE_INVITATIONS_PER_HOUR", 60, minimum=1)
SCHOOLBRUG_INVITATION_BATCHES_PER_HOUR = env_int("SCHOOLBRUG_INVITATION_BATCHES_PER_HOUR", 10, minimum=1)
SCHOOLBRUG_EXPORTS_PER_HOUR = env_int("SCHOOLBRUG_EXPORTS_PER_HOUR", 30, minimum=1)
# The files of one sync upload together (EDEXML, guardian CSV, OneRoster zip), and what a zip may
# unpack to. An EDEXML file of 1,000 pupils is about 1 MB.
SCHOOLBRUG_SYNC_UPLOAD_MAX_BYTES = env_int("SCHOOLBRUG_SYNC_UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)

# /readyz answers 503 when a due notification delivery or task (queued mail) has waited longer.
SCHOOLBRUG_READY_BACKLOG_SECONDS = env_int("SCHOOLBRUG_READY_BACKLOG_SECONDS", 600, minimum=1)

# How often the scheduler loop looks for due periodic jobs.
SCHOOLBRUG_SCHEDULER_INTERVAL_SECONDS = int(os.environ.get("SCHOOLBRUG_SCHEDULER_INTERVAL", "30"))
