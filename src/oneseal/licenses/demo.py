"""The Zaoyang scenario's part of this app, loaded by `oneseal demo load` after the cases."""


def load() -> int:
    """Load this app's demo data; return how many objects were created."""
    return 0
