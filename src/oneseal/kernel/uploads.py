"""Checking and storing uploaded files.

Every upload is checked before anything is written: its size against the limit, its type sniffed
from its content (never from its name or the browser's claim), and only the allowed types pass. A
stored file is named by its SHA-256, so the same content is stored once.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import filetype
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

# Sniffed MIME type → the extensions a name may carry for it.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/zip": (".docx", ".xlsx", ".ofd", ".zip"),  # OOXML/OFD packages sniff as zip
}
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    path: str  # relative to the upload root
    sha256: str
    size: int
    content_type: str
    original_name: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "ONESEAL_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def _root() -> Path:
    return Path(getattr(settings, "ONESEAL_UPLOAD_ROOT", Path(settings.MEDIA_ROOT) / "uploads"))


def upload_root() -> Path:
    root = _root()
    root.mkdir(parents=True, exist_ok=True)
    return root


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks, held in memory until `store()` writes it."""

    content: bytes
    file: StoredFile

    def store(self) -> StoredFile:
        """Write the file under its hash unless it is there; written under a temporary name and renamed,
        so no reader ever sees part of a file. Its directories are made the first time they are missing."""
        target = _root() / self.file.path
        if not target.exists():
            tmp = target.with_suffix(target.suffix + ".part")
            try:
                _write(tmp, self.content)
            except FileNotFoundError:
                target.parent.mkdir(parents=True, exist_ok=True)
                _write(tmp, self.content)
            tmp.replace(target)
        return self.file


def _write(path: Path, content: bytes) -> None:
    """Write `content` to a new file with plain system calls (open, write, close: no buffering, no
    terminal or size queries; an upload is written at every submission)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def check_and_store(stream: IO[bytes], original_name: str, *, field: str = "file",
                    declared_size: int | None = None) -> StoredFile:
    """Check an upload and store it under its hash; raise DomainError naming `field` if refused."""
    return check_upload(stream, original_name, field=field, declared_size=declared_size).store()


def check_upload(stream: IO[bytes], original_name: str, *, field: str = "file",
                 declared_size: int | None = None) -> CheckedUpload:
    """Check an upload without writing anything; raise DomainError naming `field` if refused.

    The size is checked from the declared size first and again while reading, so a 200 MB upload
    is refused after reading one byte past the limit, not after storing it.
    """
    limit = max_upload_bytes()
    if declared_size is not None and declared_size > limit:
        raise DomainError("file_too_large", _("%(name)s is larger than %(limit)s MB."), field=field,
                          name=original_name, limit=limit // (1024 * 1024))
    digest = hashlib.sha256()
    chunks = []
    size = 0
    while block := stream.read(CHUNK):
        size += len(block)
        if size > limit:
            raise DomainError("file_too_large", _("%(name)s is larger than %(limit)s MB."), field=field,
                              name=original_name, limit=limit // (1024 * 1024))
        digest.update(block)
        chunks.append(block)
    if size == 0:
        raise DomainError("file_empty", _("%(name)s is empty."), field=field, name=original_name)
    content = b"".join(chunks)
    kind = filetype.guess(content[:8192])
    mime = kind.mime if kind else ""
    suffix = Path(original_name).suffix.lower()
    allowed = ALLOWED_TYPES.get(mime)
    if not allowed:
        raise DomainError("file_type_not_allowed",
                          _("%(name)s is not an allowed file type (PDF, JPEG, PNG, DOCX, XLSX, OFD)."),
                          field=field, name=original_name)
    if suffix not in allowed:
        raise DomainError("file_type_mismatch",
                          _("%(name)s is named %(suffix)s but its content is %(mime)s."),
                          field=field, name=original_name, suffix=suffix or "—", mime=mime)
    sha = digest.hexdigest()
    relative = Path(sha[:2]) / f"{sha}{suffix}"
    return CheckedUpload(content, StoredFile(path=str(relative), sha256=sha, size=size, content_type=mime,
                                             original_name=original_name[:200]))


def open_stored(path: str) -> IO[bytes]:
    return (upload_root() / path).open("rb")
