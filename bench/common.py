"""Small helpers the benchmarks share."""

import socket
import threading
import time

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def patient_requests_per_second(
    url: str, headers: dict, clients: int, seconds: float, timeout: float
) -> float:
    """Drive ``url`` from ``clients`` threads for ``seconds``, as bench/api.py does, but with a
    timeout a slow page on a busy machine stays within, counting over the time until the
    last request was answered."""
    counts, failures = [0] * clients, []
    started = time.monotonic()

    def drive(i):
        with requests.Session() as session:
            while time.monotonic() < started + seconds:
                status = session.get(url, headers=headers, timeout=timeout).status_code
                if status == 200:
                    counts[i] += 1
                else:
                    failures.append(status)

    threads = [threading.Thread(target=drive, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(f"{url}: {len(failures)} requests failed ({failures[0]})")
    return sum(counts) / (time.monotonic() - started)
