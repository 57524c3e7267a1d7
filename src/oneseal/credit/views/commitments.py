"""Pages of the credit app: commitments."""
