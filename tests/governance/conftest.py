from tests.governance_support import gcast  # noqa: F401  (the credit-penalty cast)
