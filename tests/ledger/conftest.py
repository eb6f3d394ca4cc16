"""The ledger fixtures live in tests/ledger_support.py, shared with the console tests."""

from tests.ledger_support import Cast, LedgerApi, cast, ledger  # noqa: F401
