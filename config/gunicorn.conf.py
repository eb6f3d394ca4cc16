"""gunicorn settings for production: sync workers behind a reverse proxy."""

import multiprocessing
import os

bind = os.environ.get("LINLI_BIND", "0.0.0.0:8000")
worker_class = "sync"
workers = int(os.environ.get("LINLI_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = 30
graceful_timeout = 30
# Recycle workers now and then so a slow leak never takes a host down.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("LINLI_FORWARDED_ALLOW_IPS", "127.0.0.1")
