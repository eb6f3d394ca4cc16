"""Access: roles, memberships (a role on a place) and the scope every estate-scoped lookup
goes through. Below accounts, places' views and every domain; above the place hierarchy."""
