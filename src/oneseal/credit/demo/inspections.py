"""The Zaoyang scenario's credit part: inspections."""


def load() -> None:
    pass
