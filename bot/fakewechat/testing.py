"""Run the fake WeChat server in a background thread, for tests and scripts."""

import threading
from contextlib import contextmanager

import requests
from werkzeug.serving import make_server

from . import create_app


class FakeServer:
    """Handle on a running fake server; helpers go over real HTTP like any client."""

    def __init__(self, app, base_url: str):
        self.app = app
        self.base_url = base_url
        self._http = requests.Session()
        # A proxy from the environment must never see calls to our own loopback server.
        self._http.trust_env = False

    def _call(self, method: str, path: str, **kwargs) -> dict:
        response = self._http.request(method, self.base_url + path, timeout=10, **kwargs)
        response.raise_for_status()
        return response.json()

    def messages(self, group: str | None = None) -> list[dict]:
        params = {"group": group} if group is not None else {}
        return self._call("GET", "/_fake/messages", params=params)["messages"]

    def calls(self) -> dict[str, int]:
        return self._call("GET", "/_fake/calls")["calls"]

    def inject(self, kind: str, count: int = 1, **kw) -> dict:
        """Queue a fault; ``kw`` may carry ``delay_seconds`` and ``paths``."""
        return self._call("POST", "/_fake/faults", json={"kind": kind, "count": count, **kw})

    def name_group(self, group: str, name: str, profile: str | None = None) -> None:
        body = {"group": group, "name": name}
        if profile is not None:
            body["profile"] = profile
        self._call("POST", "/_fake/groups", json=body)

    def expire_tokens(self) -> int:
        return self._call("POST", "/_fake/expire-tokens")["expired"]

    def reset(self) -> None:
        self._call("POST", "/_fake/reset")

    def close(self) -> None:
        self._http.close()


@contextmanager
def serve_in_thread(host: str = "127.0.0.1", port: int = 0):
    """Start the fake server (port 0 picks a free one) and yield a FakeServer."""
    app = create_app()
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="fakewechat", daemon=True)
    thread.start()
    netloc_host = f"[{host}]" if ":" in host else host  # IPv6 literals need brackets
    fake = FakeServer(app, f"http://{netloc_host}:{server.server_port}")
    try:
        yield fake
    finally:
        fake.close()
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
