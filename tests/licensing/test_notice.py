"""The written notice: generated from the terms, parties and patents, kept as HTML and PDF whose SHA-256 match the
stored bytes, the PDF readable with the Chinese names in it, never changed."""

import hashlib
import io

import pytest
from pypdf import PdfReader

from licensing.choices import FeeType
from licensing.models import LicenceNotice
from licensing.services.licences import licence_obtain

from .conftest import TODAY, declare, patent_in_force


@pytest.fixture
def notice(university, firm, firm_member):
    patent = patent_in_force(university, title="一种固态电解质薄膜及其制备方法")
    declaration = declare(university, [patent], fee_type=FeeType.FREE)
    licence = licence_obtain(actor=firm_member, declaration=declaration, licensee=firm, on=TODAY)
    return LicenceNotice.objects.get(licence=licence)


def test_the_hashes_are_those_of_the_stored_bytes(notice):
    assert notice.sha256_html == hashlib.sha256(notice.html.encode("utf-8")).hexdigest()
    with notice.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == notice.sha256_pdf
    assert notice.sha256_pdf in notice.pdf.name


def test_the_html_names_parties_patents_terms_entry_and_confirmation(notice, university, firm, firm_member):
    licence = notice.licence
    patent = licence.patents.get()
    entry = licence.declaration.declared_patents.get().entry
    html = notice.html
    for text in (
        university.name_zh,
        university.credit_code,
        firm.name_zh,
        firm.credit_code,
        "上海",
        "安徽",
        patent.application_number,
        "一种固态电解质薄膜及其制备方法",
        f"第{entry.sequence}号记录",  # the notice is written in Chinese
        entry.hash[:16],
        licence.reference,
        "2026-12-05",
        "2030-12-31",
        firm_member.name,
        "按研发成本与市场规模测算",
    ):
        assert text in html, text


def test_the_pdf_parses_and_holds_the_chinese_names(notice, university, firm):
    with notice.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = "".join(page.extract_text() for page in reader.pages)
    compact = "".join(text.split())
    for name in (university.name_zh, firm.name_zh, "一种固态电解质薄膜及其制备方法", notice.licence.reference):
        assert name in compact, name
    assert notice.licence.patents.get().application_number in compact


def test_a_notice_is_never_changed_or_deleted(notice):
    notice.html = "<p>改过的通知</p>"
    with pytest.raises(ValueError, match="never changed"):
        notice.save()
    with pytest.raises(ValueError, match="never deleted"):
        notice.delete()
    assert LicenceNotice.objects.get(pk=notice.pk).html != "<p>改过的通知</p>"
