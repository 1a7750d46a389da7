"""Every user-facing string has a Chinese translation, and the compiled catalogue matches the source."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr (first plural form) of a .po file; a msgid with a context is keyed "context\x04msgid"."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if re.search(r"^#, .*fuzzy", block, re.M) and 'msgid ""\nmsgstr ""' not in block:
            entries[f"FUZZY:{block}"] = ""
            continue
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        if not msgid or not msgstr:
            continue
        key = unescape("".join(re.findall(r'"(.*)"', msgid.group(1))))
        context = re.search(r'^msgctxt "(.*)"', block, re.M)
        if key and context:
            key = f"{unescape(context.group(1))}\x04{key}"  # how gettext catalogues key messages with a context
        if key:
            entries[key] = unescape("".join(re.findall(r'"(.*)"', msgstr.group(1))))
    return entries


def test_every_string_in_the_catalogue_is_translated():
    untranslated = [msgid for msgid, msgstr in read_po(PO).items() if not msgstr]
    assert untranslated == []


def test_compiled_catalogue_matches_the_source():
    catalogue = gettext.GNUTranslations(MO.open("rb"))
    for msgid, msgstr in read_po(PO).items():
        assert catalogue.gettext(msgid) == msgstr, msgid


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (Debian package gettext)")
def test_catalogue_covers_every_marked_string(tmp_path):
    """Re-extract the strings in a scratch copy of the project; every one must already be in our catalogue."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", "var", ".git", "tests", "bench", "__pycache__"))
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--ignore=.venv/*", "--verbosity=0"],
        cwd=copy,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "techmarket.settings.test"},
    )
    fresh = read_po(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    missing = sorted(msgid for msgid, msgstr in fresh.items() if not msgstr)
    assert missing == [], "run `make messages` and translate: " + "; ".join(missing)


def test_gettext_tools_agree_the_catalogue_is_valid():
    if shutil.which("msgfmt") is None:
        pytest.skip("needs GNU gettext (Debian package gettext)")
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(PO)], check=True)
