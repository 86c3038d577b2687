"""gunicorn settings for Schoolbrug's pages (deploy/systemd/schoolbrug-web.service).

Sync workers: Django's pages are CPU-bound and short; WebSockets go to uvicorn instead. The
worker count comes from WEB_CONCURRENCY (the environment file), about 2 per core.
"""

import os

bind = os.environ.get("SCHOOLBRUG_GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# A request that takes longer than this is killed and logged: no page should come near it.
timeout = 30
graceful_timeout = 20
# Recycle workers now and then, so a slow leak in a library never grows without bound.
max_requests = 5000
max_requests_jitter = 500
# nginx sits in front on the same machine.
forwarded_allow_ips = "127.0.0.1"
# Access log as one JSON object per line, with the request id Schoolbrug answers in X-Request-ID,
# so it joins the application's JSON lines. The path is left out of the query string: activation
# and reset tokens sit in paths, which Schoolbrug's own log masks; gunicorn's cannot, so the
# access log carries the route's status and timing by request id instead of the raw path.
accesslog = "-"
access_log_format = (
    '{"logger": "gunicorn.access", "request_id": "%({x-request-id}o)s", "method": "%(m)s", '
    '"status": %(s)s, "bytes": "%(b)s", "ms": %(M)s, "remote": "%({x-forwarded-for}i)s"}'
)
errorlog = "-"
loglevel = "info"
