"""The console for community auditors and county officers (server-rendered pages).

One sub-package per domain it serves (``views.py``: its routes; ``pages.py``: what its pages
show and do); the blueprint and what the pages share (forms, confirmation, xlsx, templates,
static files) stay here."""


def init_app(app) -> None:
    """Register the console's blueprint with every domain's pages on it."""
    from backend.console.accounts.views import routes as accounts
    from backend.console.blueprint import make_blueprint
    from backend.console.companies.views import routes as companies
    from backend.console.estates.views import routes as estates
    from backend.console.funds.views import routes as funds
    from backend.console.group_chats.views import routes as group_chats
    from backend.console.ledger.views import routes as ledger
    from backend.console.meetings.views import routes as meetings
    from backend.console.problems.views import routes as problems
    from backend.console.ratings.views import routes as ratings
    from backend.console.register.views import routes as register
    from backend.console.targets.views import routes as targets
    from backend.console.tickets.views import routes as tickets
    from backend.console.votes.views import routes as votes

    bp = make_blueprint()
    for domain in (
        accounts,
        estates,
        group_chats,
        ledger,
        tickets,
        votes,
        companies,
        problems,
        meetings,
        register,
        ratings,
        targets,
        funds,
    ):
        domain.register(bp)
    app.register_blueprint(bp)
