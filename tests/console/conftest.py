"""The ledger's and the tickets' casts and API clients, for the console's pages."""

from tests.fund_support import fcast, fund  # noqa: F401  (the fund's cast and API)
from tests.governance_support import gcast  # noqa: F401  (the credit-penalty cast)
from tests.ledger_support import Cast, LedgerApi, cast, ledger  # noqa: F401
from tests.ratings_support import rcast  # noqa: F401  (the credit cast with a committee chair)
from tests.target_support import year_of_tickets  # noqa: F401  (a year counted by hand)
from tests.ticket_support import TicketApi, TicketCast, tcast, tickets  # noqa: F401
from tests.vote_support import vcast, votes  # noqa: F401  (vote fixtures)
