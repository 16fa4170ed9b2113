"""Hardened XML loading for uploaded diagrams: no DTDs, no entities, no network, bounded size."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from workflows.core.errors import Problem

# Uploaded files are untrusted: never resolve entities, load DTDs or touch the network.
_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": False,
}


# zip (also .docx/.jar), empty zip, gzip, bzip2, xz, 7z, rar, zstd; tar is recognised by "ustar".
_ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00",
                  b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"\x28\xb5\x2f\xfd")
_DTD_MARKUP = re.compile(rb"<!\s*(?:doctype|entity)", re.IGNORECASE)


class UnsafeXml(Exception):
    """Raised with a located problem when a file cannot be accepted as XML."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def parse_xml(content: bytes, file_name: str) -> etree._Element:
    """Parse one uploaded XML file safely, or raise ``UnsafeXml`` saying why."""
    if content.startswith(_ARCHIVE_MAGIC) or content[257:262] == b"ustar":
        raise UnsafeXml(Problem("an archive was uploaded where an XML file is expected",
                                file=file_name))
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnsafeXml(Problem(f"the file is not valid UTF-8 (byte {exc.start})",
                                file=file_name)) from exc
    # Anywhere in the file, not only its head: a DOCTYPE may follow a long comment.
    if _DTD_MARKUP.search(content):
        raise UnsafeXml(Problem("DTDs and entity declarations are not accepted", file=file_name))
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise UnsafeXml(Problem(f"malformed XML: {exc.msg}", file=file_name, line=line)) from exc
    if root is None:
        raise UnsafeXml(Problem("the file is empty", file=file_name))
    # The byte scan above reads UTF-8; a file declaring another encoding (UTF-7, UTF-16...)
    # spells its DOCTYPE in other bytes. What the parser actually read is decisive.
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise UnsafeXml(Problem(
            f"DTDs and entity declarations are not accepted (the file declares encoding "
            f"{info.encoding})", file=file_name, element_id=root.get("id") or None,
            line=root.sourceline))
    return root
