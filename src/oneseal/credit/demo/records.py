"""The Zaoyang scenario's credit part: records."""


def load() -> None:
    pass
