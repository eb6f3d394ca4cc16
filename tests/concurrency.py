"""Calls fired at once from several threads, each with its own database connection: the
races the row locks and unique constraints must decide. A test using these commits for real
(``@pytest.mark.committing``): the threads cannot see an open test transaction."""

import threading

from backend.extensions import db
from tests.isolation import require_committing


def at_once(*calls) -> list:
    """Run each callable in its own thread, all released together by a barrier; returns
    what each returned, or the exception it raised."""
    require_committing("threads")
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def in_own_context(app, fn, *args):
    """A callable running ``fn(*args)`` in its own app context (its own database session),
    as a job or another request would."""

    def call():
        with app.app_context():
            try:
                return fn(*args)
            finally:
                db.session.remove()

    return call


def posts_at_once(app, auth, calls) -> list[tuple[int, dict]]:
    """POST each (person, url, body) from its own thread and test client, released together."""
    headers = [auth(person) for person, _url, _body in calls]

    def poster(i, url, body):
        def call():
            response = app.test_client().post(url, json=body, headers=headers[i])
            return response.status_code, response.get_json()

        return call

    return at_once(*(poster(i, url, body) for i, (_p, url, body) in enumerate(calls)))
