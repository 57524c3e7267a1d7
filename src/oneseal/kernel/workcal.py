"""Placeholder replaced by the working-time calendar."""
