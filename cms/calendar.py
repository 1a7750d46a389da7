"""An event as an iCalendar file (RFC 5545): one VEVENT with its times in UTC, CRLF line ends, long lines folded."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings

CRLF = "\r\n"
LINE_OCTETS = 75  # RFC 5545 3.1: a content line is folded past 75 octets, not characters


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, never inside a UTF-8 character; each piece after
    the first starts with a space."""
    pieces, piece, size = [], "", 0
    for char in line:
        octets = len(char.encode())
        limit = LINE_OCTETS if not pieces else LINE_OCTETS - 1  # the leading space counts
        if size + octets > limit:
            pieces.append(piece)
            piece, size = "", 0
        piece += char
        size += octets
    pieces.append(piece)
    return (CRLF + " ").join(pieces)


def event_ics(event, *, url: str, now: datetime.datetime) -> str:
    """The event's calendar file: UID (stable per event), DTSTAMP, DTSTART/DTEND in UTC, SUMMARY, LOCATION, URL."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{host}//events//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:event-{event.pk}@{host}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(event.starts_at)}",
    ]
    if event.ends_at:
        lines.append(f"DTEND:{_utc(event.ends_at)}")
    lines.append(f"SUMMARY:{escape(event.title)}")
    if event.place:
        lines.append(f"LOCATION:{escape(event.place)}")
    if event.summary:
        lines.append(f"DESCRIPTION:{escape(event.summary)}")
    lines += [f"URL:{event.online_url or url}", "END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + CRLF for line in lines)
