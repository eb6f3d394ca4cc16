"""`python -m bench [api|dashboard|delivery|ledger|logins|photos|soak|tickets|votes]`
(`make bench`): each prints its results as ratios."""

import sys

from bench import api, dashboard, delivery, ledger, logins, photos, soak, tickets, votes

BENCHES = {
    "api": api.main,
    "dashboard": dashboard.main,
    "delivery": delivery.main,
    "ledger": ledger.main,
    "logins": logins.main,
    "photos": photos.main,
    "soak": soak.main,
    "tickets": tickets.main,
    "votes": votes.main,
}


def main() -> None:
    names = sys.argv[1:] or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        raise SystemExit(f"unknown bench {unknown}; choose from {sorted(BENCHES)}")
    for name in names:
        BENCHES[name]()


if __name__ == "__main__":
    main()
