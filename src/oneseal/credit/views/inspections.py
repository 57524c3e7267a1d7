"""Pages of the credit app: inspections."""
