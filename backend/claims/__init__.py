"""Claims: an owner's claim on a unit, verified or rejected by the estate's committee or
property manager against the unit register; a verified claim makes the claimant an owner."""
