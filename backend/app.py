"""The application factory."""

import logging

from flask import Flask
from flask_smorest.spec.plugins import integerconverter2paramschema

from backend.common.ids import IdConverter
from config import settings


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app from settings (defaults < LINLI_* environment < ``overrides``)."""
    app = Flask(__name__)
    app.config.from_mapping(settings.load(overrides))
    app.json.ensure_ascii = False  # Chinese stays readable in responses
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("backend").setLevel(app.config.get("LOG_LEVEL", "INFO"))

    from backend import content_type, errors, json_depth, proxies, security_headers
    from backend.extensions import api, csrf, db, limiter, migrate, redis_holder

    db.init_app(app)
    migrate.init_app(app, db, directory=str(settings.ROOT / "migrations"))
    redis_holder.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    errors.init_app(app)
    content_type.init_app(app)
    json_depth.init_app(app)  # after the 415: a body of the wrong type is not read
    security_headers.init_app(app)
    proxies.init_app(app)
    # Before any route is added: every <int:...> in a URL is a bounded id.
    app.url_map.converters["int"] = IdConverter
    api.init_app(app)
    api.register_converter(IdConverter, integerconverter2paramschema)
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    api.spec.options["security"] = [{"bearer": []}]  # login and refresh opt out
    _register_models()

    from bot.login import MiniProgramLogin

    cfg = app.config
    app.extensions["linli_wechat_login"] = MiniProgramLogin(
        cfg["WECHAT_APPID"], cfg["WECHAT_SECRET"], cfg["WECHAT_API_BASE"]
    )

    from backend.jobs.delivery import Delivery, wire_delivery
    from bot import delivery

    # Wired here so that backend.jobs (relay, worker, embedded runner) never imports bot.
    wire_delivery(app, Delivery(delivery.DELIVER_BURST_JOB, delivery.deliver_job, delivery.warm_up))

    import backend.claims.api  # noqa: F401  (its views join the accounts blueprint)
    import backend.outbox.api  # noqa: F401  (its view joins the group chats' blueprint)
    from backend.accounts.api import blp as accounts_blp
    from backend.apidocs import bp as apidocs_bp
    from backend.estates.api import blp as places_blp
    from backend.funds.api import blp as funds_blp
    from backend.governance.credit.api import blp as governance_blp
    from backend.governance.public_record.api import blp as public_record_blp
    from backend.governance.ratings.api import blp as ratings_blp
    from backend.group_chats.api import blp as group_chats_blp
    from backend.health import bp as health_bp
    from backend.ledger.api import blp as ledger_blp
    from backend.notices.api import blp as notices_blp
    from backend.subscriptions.api import blp as subscriptions_blp
    from backend.tickets.api import blp as tickets_blp
    from backend.votes.api import blp as votes_blp

    for blueprint in (
        accounts_blp,
        places_blp,
        notices_blp,
        group_chats_blp,
        ledger_blp,
        tickets_blp,
        votes_blp,
        governance_blp,
        ratings_blp,
        public_record_blp,
        funds_blp,
        subscriptions_blp,
    ):
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # bearer tokens, no cookies: CSRF cannot reach the API
    app.register_blueprint(health_bp)
    app.register_blueprint(apidocs_bp)

    from backend.tickets.open311 import bp as open311_bp

    app.register_blueprint(open311_bp)
    csrf.exempt(open311_bp)  # api_key in each request, no cookies

    from bot.callback import bp as wecom_callback_bp

    app.register_blueprint(wecom_callback_bp)
    csrf.exempt(wecom_callback_bp)  # signed by WeCom in each request, no cookies

    from backend import console

    console.init_app(app)

    from backend.cli import linli
    from backend.jobs.cli import jobs

    app.cli.add_command(linli)
    app.cli.add_command(jobs)
    return app


def _register_models() -> None:
    """Import every models module so Alembic and create_all see all tables."""
    import backend.access.models  # noqa: F401
    import backend.accounts.models  # noqa: F401
    import backend.claims.models  # noqa: F401
    import backend.funds.models  # noqa: F401
    import backend.governance.credit.models  # noqa: F401
    import backend.governance.meetings.models  # noqa: F401
    import backend.governance.problems.models  # noqa: F401
    import backend.governance.ratings.models  # noqa: F401
    import backend.governance.register.models  # noqa: F401
    import backend.governance.targets.cache  # noqa: F401 (the figures versions' session events)
    import backend.governance.targets.models  # noqa: F401
    import backend.group_chats.models  # noqa: F401
    import backend.ledger.models  # noqa: F401
    import backend.notices.models  # noqa: F401
    import backend.outbox.models  # noqa: F401
    import backend.places.models  # noqa: F401
    import backend.subscriptions.models  # noqa: F401
    import backend.tickets.models  # noqa: F401
    import backend.votes.models  # noqa: F401
