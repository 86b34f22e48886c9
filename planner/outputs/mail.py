"""A reply as it was saved from a mail program: the text a person wrote, decoded.

A saved ``.eml`` (or an mbox holding one message) carries its body in a transfer
encoding (quoted-printable ``Ren=C3=A9``, base64) and a charset; a multipart mail has
the text beside an HTML part and attachments. :func:`reply_text` hands the standard
library's :mod:`email` parser anything that starts like a mail (a ``From `` line or
header fields, then a blank line) and returns the first ``text/plain`` body decoded;
anything else is read as UTF-8 text, as it was.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage

# A header field name, a colon: RFC 5322 2.2 (printable ASCII but the colon).
_FIELD = re.compile(rb"[!-9;-~]+:")
_MAIL_FIELDS = (b"from:", b"subject:", b"date:", b"message-id:", b"mime-version:",
                b"content-type:", b"to:", b"received:", b"return-path:")  # fmt: skip


def looks_like_mail(data: bytes) -> bool:
    """True when ``data`` starts with an mbox ``From `` line, or with a block of header
    fields (continuation lines indented) that holds one of From, Subject, Date, To,
    Message-ID, MIME-Version, Content-Type... (``Delivered-To:`` may come first)."""
    head = data[:16384].lstrip(b"\r\n")
    if head.startswith(b"From "):
        return True
    known = False
    for line in head.split(b"\n")[:200]:
        line = line.rstrip(b"\r")
        if not line:
            return known  # the end of the header block
        if line[:1] in (b" ", b"\t"):
            continue  # a folded field goes on
        if not _FIELD.match(line):
            return False
        known = known or line.lower().startswith(_MAIL_FIELDS)
    return known


def reply_text(data: bytes) -> str:
    """The text of a reply: the decoded ``text/plain`` body of a mail, else ``data`` as
    UTF-8 (UnicodeDecodeError when it is neither)."""
    if not looks_like_mail(data):
        return data.decode("utf-8")
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain",))
    if body is None:
        return ""
    try:
        content = body.get_content()
    except (LookupError, ValueError):  # an unknown charset, a broken encoding
        payload = body.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    subject = str(message.get("subject", ""))
    # the subject names the release ("Re: 4.0.0 development update"); the body may not
    return f"{subject}\n\n{content}" if subject else str(content)
