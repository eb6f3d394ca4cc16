"""Estates as people reach them (the API's "places"): the estates within my memberships, the
join directory, buildings and units, and loading the unit register. Built on access; the
place hierarchy itself is backend.places."""
