"""A certificate as a printable PDF (A4 landscape) with a QR code that opens the public check.

Pure Python (reportlab): Chinese text uses the CID font STSong-Light that every PDF reader
provides (Adobe's Chinese font pack is built into readers), so no font file is shipped or
needed. The QR code carries ``<site>/certificates/verify?certificate_no=…&holder_name=…``: a
phone's camera opens certflow's public check page, already filled in and answered; the same
address is the QR code's link and is printed under it. The ID number is printed masked, as
the register shows it. A certificate that is no longer valid is printed with its status across
it, so a print can never pass for a valid one.
"""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import urlencode

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from models import Certificate
from models.statuses import CertificateStatus
from workflows.certification.register import LEVEL_NAMES

CJK = "STSong-Light"
VERIFY_PATH = "/certificates/verify"
STATUS_STAMP = {CertificateStatus.REVOKED: "已撤销 · 作废",
                CertificateStatus.REISSUED: "已补发 · 原证作废"}
_registered = False


def verify_url(site: str, certificate: Certificate) -> str:
    """The public check of this certificate, at ``site`` (scheme and host, no path)."""
    query = urlencode({"certificate_no": certificate.certificate_no,
                       "holder_name": certificate.holder_name})
    return f"{site.rstrip('/')}{VERIFY_PATH}?{query}"


def masked_id(id_number: str) -> str:
    return id_number[:6] + "*" * max(0, len(id_number) - 10) + id_number[-4:] \
        if len(id_number) > 10 else "*" * len(id_number)


def _font() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))
        _registered = True


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def render(certificate: Certificate, *, site: str) -> bytes:
    """The certificate's PDF; the same certificate and site give the same bytes."""
    _font()
    out = io.BytesIO()
    width, height = landscape(A4)
    pdf = Canvas(out, pagesize=(width, height), invariant=True, pageCompression=1)
    pdf.setTitle(f"职业技能等级证书 {certificate.certificate_no}")
    pdf.setAuthor(f"certflow {certificate.issuer_code}")
    pdf.setSubject(certificate.certificate_no)
    navy = HexColor("#1d3557")
    pdf.setStrokeColor(navy)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

    pdf.setFillColor(navy)
    pdf.setFont(CJK, 30)
    pdf.drawCentredString(width / 2, height - 45 * mm, "职业技能等级证书")
    pdf.setFont("Helvetica", 11)
    pdf.drawCentredString(width / 2, height - 53 * mm, "Vocational Skill Level Certificate")

    rows = [("姓　　名", certificate.holder_name),
            ("身份证号", masked_id(certificate.id_number)),
            ("职业（工种）", certificate.occupation),
            ("等　　级", LEVEL_NAMES.get(certificate.level, str(certificate.level))),
            ("证书编号", certificate.certificate_no),
            ("发证日期", _chinese_date(certificate.issued_on)),
            ("发证机构代码", certificate.issuer_code)]
    if certificate.exam_session:
        rows.insert(4, ("考试批次", certificate.exam_session))
    y = height - 75 * mm
    for label, value in rows:
        pdf.setFillColor(HexColor("#444444"))
        pdf.setFont(CJK, 13)
        pdf.drawString(40 * mm, y, label)
        pdf.setFillColor(HexColor("#111111"))
        pdf.setFont(CJK, 15)
        pdf.drawString(80 * mm, y, value)
        y -= 11 * mm

    url = verify_url(site, certificate)
    side = 48 * mm
    qr = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = qr.getBounds()
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(qr)
    qr_x, qr_y = width - 40 * mm - side, 34 * mm
    renderPDF.draw(drawing, pdf, qr_x, qr_y)
    pdf.linkURL(url, (qr_x, qr_y, qr_x + side, qr_y + side), relative=0)
    pdf.setFillColor(navy)
    pdf.setFont(CJK, 11)
    pdf.drawCentredString(qr_x + side / 2, qr_y - 6 * mm, "扫码查验证书真伪")
    pdf.setFont("Helvetica", 6)
    pdf.drawRightString(width - 20 * mm, 20 * mm, url)

    stamp = STATUS_STAMP.get(CertificateStatus(certificate.status))
    if stamp:
        pdf.saveState()
        pdf.setFillColor(HexColor("#c1121f"))
        pdf.setFont(CJK, 48)
        pdf.translate(width / 2, height / 2)
        pdf.rotate(20)
        pdf.drawCentredString(0, 0, stamp)
        pdf.restoreState()
    pdf.showPage()
    pdf.save()
    return out.getvalue()
