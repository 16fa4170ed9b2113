"""Hardened XML loading for uploaded diagrams: no DTDs, no entities, no network, bounded size."""

from __future__ import annotations

from lxml import etree

from workflows.errors import Problem

# Uploaded files are untrusted: never resolve entities, load DTDs or touch the network.
_PARSER_OPTIONS = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": False,
}


class UnsafeXml(Exception):
    """Raised with a located problem when a file cannot be accepted as XML."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def parse_xml(content: bytes, file_name: str) -> etree._Element:
    """Parse one uploaded XML file safely, or raise ``UnsafeXml`` saying why."""
    if content[:4] == b"PK\x03\x04" or content[:2] == b"\x1f\x8b":
        raise UnsafeXml(Problem("an archive was uploaded where an XML file is expected",
                                file=file_name))
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnsafeXml(Problem(f"the file is not valid UTF-8 (byte {exc.start})",
                                file=file_name)) from exc
    head = content[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in content.lower():
        raise UnsafeXml(Problem("DTDs and entity declarations are not accepted", file=file_name))
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise UnsafeXml(Problem(f"malformed XML: {exc.msg}", file=file_name, line=line)) from exc
    if root is None:
        raise UnsafeXml(Problem("the file is empty", file=file_name))
    return root
