#!/usr/bin/python3
"""Parses one message written by smtp_sink.py with Python's email package (a real MIME
parser, not ours) and prints what the tests check, as JSON."""
import json
import sys
from email import policy
from email.header import decode_header, make_header
from email.parser import BytesParser

with open(sys.argv[1], "rb") as f:
    envelope = json.loads(f.readline())
    raw = f.read()
msg = BytesParser(policy=policy.compat32).parsebytes(raw)


def decoded(name):
    values = msg.get_all(name) or []
    return [str(make_header(decode_header(v))) for v in values]


parts = []
for part in msg.walk():
    if part.is_multipart():
        continue
    parts.append({
        "type": part.get_content_type(),
        "charset": part.get_content_charset(),
        "text": part.get_payload(decode=True).decode(part.get_content_charset() or "ascii"),
    })
print(json.dumps({
    "envelope": envelope,
    "header_names": [k for k, _ in msg.items()],
    "subject": decoded("Subject"),
    "from": decoded("From"),
    "to": decoded("To"),
    "bcc": decoded("Bcc"),
    "raw_subject": msg.get_all("Subject") or [],
    "message_id": msg.get("Message-ID"),
    "list_id": msg.get("List-Id"),
    "content_type": msg.get_content_type(),
    "parts": parts,
    "max_line": max(len(line) for line in raw.split(b"\r\n")),
}))
