from tests.governance_support import gcast  # noqa: F401  (the credit-penalty cast)
from tests.ratings_support import rcast  # noqa: F401  (the credit cast with a committee chair)
from tests.target_support import year_of_tickets  # noqa: F401  (a year counted by hand)
