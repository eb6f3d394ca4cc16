"""gunicorn settings for production: sync workers behind a reverse proxy."""

import multiprocessing

# gunicorn puts the working directory on sys.path before it reads this file.
from config.settings import read

bind = read("LINLI_BIND")
worker_class = "sync"
workers = read("LINLI_WEB_WORKERS") or multiprocessing.cpu_count() * 2 + 1
timeout = 30
graceful_timeout = 30
# Recycle workers now and then so a slow leak never takes a host down. The jitter is wide: a
# worker takes seconds to build the app again, and with a narrow one the workers of a busy host
# reached their count together and all rebuilt at once (the benches saw every request wait
# over 5 s).
max_requests = 2000
max_requests_jitter = 1000
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = read("LINLI_FORWARDED_ALLOW_IPS")
