"""Estate accounts (业账社审): prepared, approved, audited, published, questioned."""
