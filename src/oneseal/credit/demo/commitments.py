"""The Zaoyang scenario's credit part: commitments."""


def load() -> None:
    pass
