"""The estate register (小区档案): committees by term, their members, party branches, volunteer
teams and the community's committee candidate pool."""
