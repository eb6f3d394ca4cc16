"""A domain's console pages, collected where they are defined and added to the console's
blueprint by ``backend.console.init_app``.

Each app gets a blueprint of its own (tests build many apps), and a blueprint takes no new
routes once registered, so pages cannot be added to one module-level blueprint as a side
effect of importing their module: they are listed here and added when the app is built.
The endpoint is the view's name, as with ``Blueprint.route``; a context processor is
registered on the blueprint as with ``Blueprint.context_processor``.
"""

from flask import Blueprint


class Routes:
    def __init__(self):
        self._rules = []
        self._context_processors = []

    def route(self, rule: str, **options):
        def decorator(view):
            self._rules.append((rule, view, options))
            return view

        return decorator

    def get(self, rule: str, **options):
        return self.route(rule, methods=["GET"], **options)

    def post(self, rule: str, **options):
        return self.route(rule, methods=["POST"], **options)

    def context_processor(self, function):
        self._context_processors.append(function)
        return function

    def register(self, bp: Blueprint) -> None:
        for function in self._context_processors:
            bp.context_processor(function)
        for rule, view, options in self._rules:
            bp.add_url_rule(rule, view_func=view, **options)
