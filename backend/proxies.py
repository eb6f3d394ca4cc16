"""The client's own address and scheme behind ``LINLI_PROXY_HOPS`` reverse proxies.

Rate limits count per address: behind nginx every request would come from the proxy, and
all owners would share one ceiling. werkzeug's ProxyFix believes exactly that many
X-Forwarded-For/-Proto entries, counted from the right; with 0 the headers are ignored, so a
client cannot name its own address.
"""

from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app) -> None:
    plain = app.wsgi_app
    fixed: dict[int, ProxyFix] = {}

    def wsgi_app(environ, start_response):
        # Read per request, so the setting is the app's config and tests may change it.
        hops = app.config["PROXY_HOPS"]
        if not hops:
            return plain(environ, start_response)
        if hops not in fixed:
            fixed[hops] = ProxyFix(plain, x_for=hops, x_proto=hops)
        return fixed[hops](environ, start_response)

    app.wsgi_app = wsgi_app
