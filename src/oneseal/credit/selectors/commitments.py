"""Reads of the credit app: commitments, scoped to the acting user."""
