"""Uploading attachments over HTTP: the type is decided by content, oversized files are refused
while streaming and nothing of them is kept, and uploads never attached are removed after a day.
Every test runs on both stores (the local directory and the database)."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from config import Settings
from models import Attachment, db
from tests.api_client import ApiClient
from worker import jobs
from workflows.core.clock import FrozenClock
from workflows.core.runtime import Runtime
from workflows.core.unit_of_work import units_of

FILES = Path(__file__).resolve().parents[1] / "fixtures" / "attachments"
PDF = (FILES / "diagnosis.pdf").read_bytes()
PNG = (FILES / "photo.png").read_bytes()
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
MB = 1024 * 1024


def ofd_package(*, with_root: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        if with_root:
            package.writestr("OFD.xml", '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>')
        package.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return buffer.getvalue()


def rows(app: Flask) -> list[Attachment]:
    with app.app_context():
        try:
            return list(db.session.scalars(sa.select(Attachment).order_by(Attachment.id)))
        finally:
            db.session.remove()


def refused(response: TestResponse, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert any("\u4e00" <= c <= "\u9fff" for c in body["detail"]), body  # said in Chinese
    return body


def sweep(app: Flask, runtime: Runtime, settings: Settings) -> dict[str, int]:
    """The orphan clean-up as the schedule runs it."""
    with app.app_context():
        try:
            return jobs.remove_orphan_attachments(units_of(runtime), settings)
        finally:
            db.session.remove()


def test_each_accepted_type_is_recognised_by_its_content(api: ApiClient, store: Any) -> None:
    for name, content, media_type in [("诊断书.pdf", PDF, "application/pdf"),
                                      ("照片", PNG, "image/png"),
                                      ("scan.bin", JPEG, "image/jpeg"),
                                      ("电子证照.ofd", ofd_package(), "application/ofd")]:
        body = api.uploaded(name, content, as_="xiaoming")
        assert (body["media_type"], body["size"], body["filename"]) == (
            media_type, len(content), name)
        assert not body["attached"] and len(body["id"]) >= 32
        assert b"".join(store.read(body["sha256"])) == content


def test_a_renamed_program_is_refused_and_not_kept(app: Flask, api: ApiClient,
                                                   store: Any) -> None:
    program = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 4000 + b"This program cannot be run"
    for name, content in [("证明.pdf", program), ("证明.ofd", ofd_package(with_root=False)),
                          ("page.png", b"<html><script>alert(1)</script></html>")]:
        body = refused(api.upload(name, content, as_="xiaoming"), 415)
        assert "PDF" in body["detail"]
    assert rows(app) == [] and list(store.hashes()) == []


def test_the_name_is_for_display_only(api: ApiClient, store: Any) -> None:
    body = api.uploaded("../../etc/passwd\x00.pdf", PDF, as_="xiaoming")
    assert body["filename"] == "passwd.pdf"
    assert list(store.hashes()) == [body["sha256"]]


def test_a_file_announced_too_large_is_refused_before_it_is_read(
        app: Flask, api: ApiClient, store: Any, settings: Settings) -> None:
    response = api.client.post(
        "/api/v1/attachments", headers={**api.headers("xiaoming"),
                                        "Content-Type": "multipart/form-data; boundary=x"},
        input_stream=io.BytesIO(b""),
        environ_overrides={"CONTENT_LENGTH": str(settings.attachment_max_bytes * 2)})
    refused(response, 413)
    assert rows(app) == [] and list(store.hashes()) == []


class Endless(io.RawIOBase):
    """A multipart body of ``size`` file bytes, made while it is read (never held whole)."""

    def __init__(self, size: int) -> None:
        head = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
                b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n")
        self.parts = [head, None, b"\r\n--b--\r\n"]
        self.left = size
        self.total = len(head) + size + len(self.parts[2])

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:  # the test client measures the body, then reads it from the start
        return self.total if self.left < 0 else 0

    def seek(self, offset: int, whence: int = 0) -> int:
        self.left = -abs(self.left) if whence == 2 else abs(self.left)
        return self.tell()

    def readinto(self, buffer: Any) -> int:
        while self.parts:
            part = self.parts[0]
            if part is None:
                if self.left <= 0:
                    self.parts.pop(0)
                    continue
                count = min(len(buffer), self.left)
                buffer[:count] = b"x" * count
                self.left -= count
                return count
            count = min(len(buffer), len(part))
            buffer[:count] = part[:count]
            self.parts[0] = part[count:]
            if not self.parts[0]:
                self.parts.pop(0)
            return count
        return 0


def test_an_oversized_stream_is_refused_without_being_buffered_or_stored(
        app: Flask, api: ApiClient, store: Any, settings: Settings) -> None:
    """No length announced: the file is read until it passes the limit, then refused; memory
    stays at the size of a read piece, and neither the store nor the spool keeps anything."""
    headers = {**api.headers("xiaoming"), "Content-Type": "multipart/form-data; boundary=b"}
    tracemalloc.start()
    try:
        response = api.client.post(
            "/api/v1/attachments", headers=headers,
            input_stream=Endless(settings.attachment_max_bytes + 4 * MB),
            # Sent chunked, no length: only the file's own limit can stop it.
            environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    body = refused(response, 413)
    assert "20 MB" in body["detail"]
    assert peak < 4 * MB, f"the upload was buffered: peak {peak / MB:.1f} MB"
    assert rows(app) == [] and list(store.hashes()) == []
    assert list((settings.attachment_dir / "incoming").iterdir()) == []


def test_bad_requests_are_refused_in_chinese(api: ApiClient, store: Any) -> None:
    refused(api.post("/api/v1/attachments", as_="xiaoming", json={"file": "x"}), 422)
    refused(api.post("/api/v1/attachments", as_="xiaoming", data={"other": "x"},
                     content_type="multipart/form-data"), 422)
    refused(api.upload("空.pdf", b"", as_="xiaoming"), 422)
    assert api.upload("审计.pdf", PDF, as_="auditor").status_code == 403  # auditors read only
    assert api.upload("匿名.pdf", PDF, as_=None).status_code == 401


def test_uploads_never_attached_are_removed_after_a_day(
        app: Flask, api: ApiClient, store: Any, runtime: Runtime, settings: Settings,
        frozen_clock: FrozenClock) -> None:
    old = api.uploaded("旧.pdf", PDF, as_="xiaoming")
    frozen_clock.advance(hours=12)
    recent = api.uploaded("新.png", PNG, as_="xiaohong")
    frozen_clock.advance(hours=11, minutes=59)
    assert sweep(app, runtime, settings) == {"removed": 0}
    frozen_clock.advance(minutes=2)
    assert sweep(app, runtime, settings) == {"removed": 1}
    assert [row.public_id for row in rows(app)] == [recent["id"]]
    assert not store.exists(old["sha256"]) and store.exists(recent["sha256"])


def test_a_file_shared_by_a_kept_upload_stays(
        app: Flask, api: ApiClient, store: Any, runtime: Runtime, settings: Settings,
        frozen_clock: FrozenClock) -> None:
    first = api.uploaded("a.pdf", PDF, as_="xiaoming")
    frozen_clock.advance(hours=20)
    second = api.uploaded("b.pdf", PDF, as_="xiaohong")
    assert first["sha256"] == second["sha256"]
    frozen_clock.advance(hours=5)
    assert sweep(app, runtime, settings) == {"removed": 1}
    assert store.exists(first["sha256"])
    assert b"".join(store.read(second["sha256"])) == PDF
