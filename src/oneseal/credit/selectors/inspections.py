"""Reads of the credit app: inspections, scoped to the acting user."""
