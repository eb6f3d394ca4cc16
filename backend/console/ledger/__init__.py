"""Console pages for the community audit of estate accounts (业账社审)."""
