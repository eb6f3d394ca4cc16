"""An estate's public record (公示公开) for its owners: roster, company, rating, problems and
joint-meeting decisions."""
