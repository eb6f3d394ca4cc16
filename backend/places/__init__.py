"""Places: county → township → community → estate → building → unit."""
