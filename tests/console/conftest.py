"""The ledger's cast and API client, for the console's ledger pages."""

from tests.ledger_support import Cast, LedgerApi, cast, ledger  # noqa: F401
