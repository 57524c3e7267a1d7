"""Reads of the credit app: records, scoped to the acting user."""
