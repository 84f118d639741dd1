"""gunicorn settings, read from the environment (`make run` uses this file).

HOST and PORT give the address (127.0.0.1:8000 by default; a host behind a
load balancer sets HOST=0.0.0.0). WEB_CONCURRENCY overrides the number of
worker processes, which is otherwise twice the CPU count plus one.
FORWARDED_ALLOW_IPS names the proxies whose X-Forwarded-Proto is trusted.
"""

import multiprocessing
import os
import time

wsgi_app = "almsweb.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# Sync workers: each handles one request at a time, which suits short,
# CPU-bound requests behind a proxy that buffers slow clients.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A request taking longer than this is stuck: the worker is restarted.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow for long; not
# too often, as a recycled worker drops its kept-alive connections and
# starts with an empty in-memory page cache.
max_requests = 200_000
max_requests_jitter = 20_000
# Import the site once in the master: new workers start at once.
preload_app = True


def when_ready(server):
    """Before the first worker is forked: render the season's main pages, so
    every worker starts with them (almsweb/startup.py)."""
    from almsweb.startup import warm_pages
    from almsweb.wsgi import application

    started = time.perf_counter()
    warmed = warm_pages(application, bind)
    server.log.info(
        "Rendered %d pages before the workers start, in %.0f ms.",
        len(warmed),
        (time.perf_counter() - started) * 1000,
    )


forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
