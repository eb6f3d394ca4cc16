"""One unit of work per service call: commit once at the end, roll back on any error.

A service decorated with ``@unit_of_work`` commits when it returns and rolls back when it
raises, so a domain error (Conflict, NotFound …) raised half-way leaves nothing behind and
releases the row locks the call took. A unit of work that calls another joins it: only the
outermost one commits, so two services composed in one request are still one transaction.

Services do not call ``commit()``/``rollback()`` themselves; the few steps that must commit
early (a claim that other processes must see before the slow part) say why in one line.
"""

import functools
from contextvars import ContextVar

from backend.extensions import db

_depth: ContextVar[int] = ContextVar("unit_of_work_depth", default=0)


def unit_of_work(service):
    """Run ``service`` as one transaction (or as part of the caller's, if it is one)."""

    @functools.wraps(service)
    def run(*args, **kwargs):
        depth = _depth.get()
        token = _depth.set(depth + 1)
        try:
            result = service(*args, **kwargs)
            if depth == 0:
                db.session.commit()
            return result
        except BaseException:
            if depth == 0:
                db.session.rollback()
            raise
        finally:
            _depth.reset(token)

    return run


def in_unit_of_work() -> bool:
    """True inside a ``@unit_of_work`` call (a helper that must not commit can assert it)."""
    return _depth.get() > 0
