"""Places: county → township → community → estate → building → unit, and reading the unit
register workbook. The bottom of the domain: it imports no other domain."""
