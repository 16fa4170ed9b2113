"""Hostile uploads: each refused with a clear 4xx, no local file read, memory bounded."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from werkzeug.test import EnvironBuilder, TestResponse

from tests.api_client import ApiClient
from tests.test_support import leave_bundle
from workflows.engine import xml_safety

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
MARKER = "CERTFLOW-SECRET-MARKER-7f3a9c"
MB = 1024 * 1024


@pytest.fixture()
def secret_file(tmp_path: Path) -> Path:
    """A local file an XXE would try to read; its marker must never come back."""
    path = tmp_path / "secret.txt"
    path.write_text(MARKER, encoding="utf-8")
    return path


def refused(response: TestResponse, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/problem+json"
    assert MARKER not in response.get_data(as_text=True)
    return response.get_json()


def peak_bytes(action: Callable[[], Any]) -> tuple[Any, int]:
    """Run ``action`` and measure the peak of memory Python allocated meanwhile."""
    tracemalloc.start()
    try:
        result = action()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def xxe_variants(secret: Path) -> dict[str, bytes]:
    uri = secret.as_uri()
    root = f'<bpmn:definitions xmlns:bpmn="{BPMN_NS}">&x;</bpmn:definitions>'
    return {
        "internal-subset.bpmn": f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "{uri}">]>'
                                f"{root}".encode(),
        "external-dtd.bpmn": f'<!DOCTYPE d SYSTEM "{uri}">{root}'.encode(),
        "parameter-entity.bpmn": f'<!DOCTYPE d [<!ENTITY % p SYSTEM "{uri}"> %p;]>{root}'
                                 .encode(),
        # A DOCTYPE after a long comment: not in the first kilobytes of the file.
        "late-doctype.bpmn": ("<!--" + "x" * 10_000 + "-->"
                              f'<!DOCTYPE d [<!ENTITY x SYSTEM "{uri}">]>{root}').encode(),
        "lowercase.bpmn": f'<!doctype d [<!entity x SYSTEM "{uri}">]>{root}'.encode(),
    }


def test_xxe_is_refused_and_no_local_file_is_read(api: ApiClient, secret_file: Path) -> None:
    for name, content in xxe_variants(secret_file).items():
        body = refused(api.deploy_files({name: content}))
        assert body["errors"][0]["file"] == name
        assert "DTD" in body["errors"][0]["message"], name
    dmn = leave_bundle()
    dmn["leave_tiers.dmn"] = dmn["leave_tiers.dmn"].replace(
        b"<definitions", f'<!DOCTYPE d [<!ENTITY x SYSTEM "{secret_file.as_uri()}">]>'
                         "<definitions".encode(), 1)
    body = refused(api.deploy_files(dmn))
    assert body["errors"][0]["file"] == "leave_tiers.dmn"


def test_xinclude_is_never_processed(api: ApiClient, secret_file: Path) -> None:
    files = leave_bundle()
    files["leave_approval.bpmn"] = files["leave_approval.bpmn"].replace(
        b"</bpmn:process>",
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{secret_file.as_uri()}"'
        ' parse="text"/></bpmn:process>'.encode(), 1)
    response = api.deploy_files(files)
    assert response.status_code in (201, 422), response.get_json()
    assert MARKER not in response.get_data(as_text=True)
    if response.status_code == 201:
        source = api.get("/api/v1/definitions/leave_approval/versions/1/files/"
                         "leave_approval.bpmn", as_="admin")
        assert MARKER not in source.get_data(as_text=True)


def test_the_parser_itself_never_resolves_entities(secret_file: Path) -> None:
    """Defence in depth: even past the DOCTYPE check, the parser would not read the file."""
    for content in xxe_variants(secret_file).values():
        parser = etree.XMLParser(**xml_safety._PARSER_OPTIONS)
        try:
            root = etree.fromstring(content, parser)
        except etree.XMLSyntaxError:
            continue
        assert MARKER not in etree.tostring(root).decode()


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)]
    return (f'<?xml version="1.0"?><!DOCTYPE lolz [{"".join(entities)}]>'
            f'<bpmn:definitions xmlns:bpmn="{BPMN_NS}">&lol9;</bpmn:definitions>').encode()


def test_billion_laughs_is_refused_with_bounded_memory(api: ApiClient) -> None:
    content = billion_laughs()
    response, peak = peak_bytes(lambda: api.deploy_files({"lolz.bpmn": content}))
    body = refused(response)
    assert "DTD" in body["errors"][0]["message"]
    assert peak < 5 * MB, f"peak {peak / MB:.1f} MB while refusing billion laughs"


def test_deep_nesting_is_refused(api: ApiClient) -> None:
    depth = 100_000
    content = (f'<bpmn:definitions xmlns:bpmn="{BPMN_NS}">' + "<a>" * depth + "</a>" * depth
               + "</bpmn:definitions>").encode()
    body = refused(api.deploy_files({"deep.bpmn": content}))
    assert body["errors"][0]["file"] == "deep.bpmn"


class GeneratedBody(io.RawIOBase):
    """A request body of ``size`` bytes produced on demand, so the test holds none of it."""

    def __init__(self, size: int) -> None:
        self.size, self.position, self.read_total = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = base + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer: Any) -> int:
        n = max(0, min(len(buffer), self.size - self.position))
        buffer[:n] = b"a" * n
        self.position += n
        self.read_total += n
        return n


def post_large(api: ApiClient, size: int, *, as_: str | None = "admin",
               with_length: bool = True) -> tuple[TestResponse, GeneratedBody]:
    """POST ``size`` bytes of multipart body, announced by Content-Length or streamed."""
    body = GeneratedBody(size)
    environ = EnvironBuilder(path="/api/v1/definitions", method="POST", input_stream=body,
                             headers=api.headers(as_),
                             content_type="multipart/form-data; boundary=xyz").get_environ()
    if not with_length:  # as a server passes a chunked body: no length, stream terminated
        del environ["CONTENT_LENGTH"]
        environ["wsgi.input_terminated"] = True
    return api.client.open(environ), body


def test_a_50_mb_upload_is_refused_with_413_before_it_is_read(api: ApiClient, app) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == 5 * MB
    api.token("admin")  # sign in outside the measurement
    (response, stream), peak = peak_bytes(lambda: post_large(api, 50 * MB))
    body = refused(response, 413)
    assert "upload limit" in body["detail"]
    assert stream.read_total == 0  # refused on Content-Length, nothing was read
    assert peak < 5 * MB, f"peak {peak / MB:.1f} MB while refusing 50 MB"
    anonymous, stream = post_large(api, 50 * MB, as_=None)
    assert anonymous.status_code == 401 and stream.read_total == 0


def test_a_50_mb_chunked_upload_is_cut_off_at_the_limit(api: ApiClient, app) -> None:
    api.token("admin")
    (response, stream), peak = peak_bytes(lambda: post_large(api, 50 * MB, with_length=False))
    refused(response, 413)
    assert stream.read_total <= app.config["MAX_CONTENT_LENGTH"] + 1 * MB
    assert peak < 12 * MB, f"peak {peak / MB:.1f} MB while cutting off 50 MB"


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("latin1.bpmn", "<a>é</a>".encode("latin-1"), "UTF-8"),
    ("utf16.bpmn", '<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16"), "UTF-8"),
    ("binary.bpmn", bytes(range(256)) * 4, "UTF-8"),
    ("empty.bpmn", b"", "XML 格式错误"),
    ("not-xml.bpmn", b"just some text", "XML 格式错误"),
])
def test_files_that_are_not_utf8_xml_are_refused(api: ApiClient, name: str, content: bytes,
                                                 reason: str) -> None:
    body = refused(api.deploy_files({name: content}))
    [problem] = body["errors"]
    assert problem["file"] == name and reason in problem["message"]


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_archives_where_xml_is_expected_are_refused(api: ApiClient) -> None:
    archive = zipped(leave_bundle())
    for name, content in [("leave.bpmn", archive), ("tiers.dmn", archive),
                          ("gz.bpmn", b"\x1f\x8b\x08\x00" + b"\x00" * 20)]:
        body = refused(api.deploy_files({name: content}))
        assert any(p["file"] == name and "压缩包" in p["message"] for p in body["errors"])
    body = refused(api.deploy_files({"bundle.zip": archive}))
    assert body["errors"][0]["file"] == "bundle.zip"
    assert "不支持的文件类型" in body["errors"][0]["message"]


def test_a_dmn_cell_with_a_syntax_error_is_refused_with_its_rule(api: ApiClient) -> None:
    files = leave_bundle()
    assert b'"teacher"' in files["leave_tiers.dmn"]
    files["leave_tiers.dmn"] = files["leave_tiers.dmn"].replace(b'"teacher"', b'"teacher', 1)
    [problem] = refused(api.deploy_files(files))["errors"]
    assert problem["file"] == "leave_tiers.dmn"
    assert problem["element_id"] and isinstance(problem["line"], int)
    assert problem["message"]


def test_odd_file_names_are_refused(api: ApiClient) -> None:
    files = leave_bundle()
    for name in ("x" * 300 + ".bpmn", "bad\x00name.bpmn"):
        body = refused(api.deploy_files({name: files["leave_approval.bpmn"]}))
        assert body["errors"][0]["pointer"] == "/files"
