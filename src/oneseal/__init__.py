"""OneSeal — administrative approval and government service platform (一枚印章管审批)."""

__version__ = "0.1.0"
