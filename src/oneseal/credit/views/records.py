"""Pages of the credit app: records."""
