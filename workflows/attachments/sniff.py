"""What an uploaded file really is, decided by its bytes, never by its name.

Accepted: PDF, JPEG, PNG and OFD (GB/T 33190, the Chinese e-document format: a ZIP package
with ``OFD.xml`` at its root). Anything else, a renamed program included, is refused.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

PDF, JPEG, PNG, OFD = "application/pdf", "image/jpeg", "image/png", "application/ofd"
ACCEPTED = (PDF, JPEG, PNG, OFD)
# What a form's rules may name, and what people call them.
LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", OFD: "OFD"}
_MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))


def sniff(path: Path) -> str | None:
    """The media type of the file at ``path``, or None if it is none of the accepted ones."""
    with path.open("rb") as handle:
        head = handle.read(8)
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if head.startswith(b"PK\x03\x04") and _is_ofd(path):
        return OFD
    return None


def _is_ofd(path: Path) -> bool:
    """A ZIP whose root holds ``OFD.xml``; only the directory is read, nothing is unpacked."""
    try:
        with zipfile.ZipFile(path) as package:
            package.getinfo("OFD.xml")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False
    return True
