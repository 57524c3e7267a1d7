"""Shared primitives with no imports from other OneSeal apps: identity numbers, the working-time
calendar, errors, the audit hash chain."""
