"""Console pages for the supervision dashboards (四升一降) and the yearly reports."""
