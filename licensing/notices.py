"""The written notice a licensee gives the patentee to obtain an open licence (专利法第五十一条).

The notice is generated from the declaration's published terms, the parties and the patents, shown to the licensee
before confirming, and kept as it was confirmed: an HTML document (from ``licensing/obtain/notice.html``) and a PDF
of the same text, each with its SHA-256 (:class:`~licensing.models.LicenceNotice`, never changed). The PDF uses
ReportLab's built-in CID font ``STSong-Light`` (Adobe's Chinese font pack, known to every PDF reader), so Chinese
renders without a font file in the code base.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import strip_tags

from .models import LicenceNotice, OpenLicence

CJK_FONT = "STSong-Light"


@dataclass(frozen=True)
class NoticeDraft:
    """A notice's text before it is confirmed: its HTML, and the PDF of the same text."""

    html: str
    pdf: bytes

    @property
    def sha256_html(self) -> str:
        return hashlib.sha256(self.html.encode("utf-8")).hexdigest()

    @property
    def sha256_pdf(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def notice_context(
    *,
    declaration,
    licensee,
    patents,
    term_start: datetime.date,
    term_end: datetime.date,
    reference: str = "",
    confirmed_by=None,
    confirmed_at: datetime.datetime | None = None,
) -> dict:
    """What the notice says: the parties, the patents with the declaration's registry entries, the terms, the date."""
    entries = {
        declared.patent_id: declared.entry
        for declared in declaration.declared_patents.select_related("entry").filter(patent__in=patents)
    }
    return {
        "reference": reference,
        "declaration": declaration,
        "terms": declaration,
        "licensor": declaration.licensor,
        "licensee": licensee,
        "patents": [(patent, entries.get(patent.pk)) for patent in patents],
        "term_start": term_start,
        "term_end": term_end,
        "confirmed_by": confirmed_by,
        "confirmed_at": confirmed_at,
    }


def notice_html(context: dict) -> str:
    """The notice as an HTML document, always in Chinese: it is a legal text between two Chinese parties."""
    with translation.override("zh-hans"):
        return render_to_string("licensing/obtain/notice.html", context)


def _paragraphs(html: str) -> list[tuple[str, str]]:
    """The notice's blocks as (style, text): headings and paragraphs, in order, from the template's data-pdf marks."""
    blocks = []
    for match in re.finditer(r"<(h1|h2|p|li|dt|dd)[^>]*data-pdf[^>]*>(.*?)</\1>", html, re.S):
        text = " ".join(strip_tags(match.group(2)).split())
        if text:
            blocks.append((match.group(1), text))
    return blocks


def notice_pdf(html: str) -> bytes:
    """A PDF of the notice's text, set in STSong-Light."""
    from html import unescape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    styles = {
        "h1": ParagraphStyle("h1", fontName=CJK_FONT, fontSize=16, leading=22, alignment=1, spaceAfter=6 * mm),
        "h2": ParagraphStyle("h2", fontName=CJK_FONT, fontSize=12, leading=18, spaceBefore=4 * mm, spaceAfter=2 * mm),
        "p": ParagraphStyle("p", fontName=CJK_FONT, fontSize=10, leading=16, wordWrap="CJK"),
    }
    styles["li"] = ParagraphStyle("li", parent=styles["p"], leftIndent=5 * mm)
    styles["dt"] = ParagraphStyle("dt", parent=styles["p"], textColor="#555555")
    styles["dd"] = ParagraphStyle("dd", parent=styles["p"], leftIndent=5 * mm, spaceAfter=1.5 * mm)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title="专利开放许可实施通知书",
        invariant=1,
    )
    story = []
    for style, text in _paragraphs(html):
        # Paragraph reads a small markup language: escape the text's own <, > and & again after unescaping.
        plain = unescape(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        story.append(Paragraph(plain, styles[style]))
        if style == "h1":
            story.append(Spacer(1, 2 * mm))
    document.build(story)
    return buffer.getvalue()


def notice_draft(**context_arguments) -> NoticeDraft:
    html = notice_html(notice_context(**context_arguments))
    return NoticeDraft(html=html, pdf=notice_pdf(html))


def notice_store(*, licence: OpenLicence, draft: NoticeDraft, confirmed_by) -> LicenceNotice:
    """Keep the confirmed notice: the HTML and the PDF with their SHA-256. Called inside the licence's transaction."""
    notice = LicenceNotice(
        licence=licence,
        html=draft.html,
        sha256_html=draft.sha256_html,
        sha256_pdf=draft.sha256_pdf,
        confirmed_by=confirmed_by if getattr(confirmed_by, "is_authenticated", False) else None,
    )
    notice.pdf.save(f"{draft.sha256_pdf}.pdf", ContentFile(draft.pdf), save=False)
    notice.save()
    return notice
