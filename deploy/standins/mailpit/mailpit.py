"""A small stand-in for mailpit: keeps in memory every message it receives over SMTP (port
1025, with SMTPUTF8 as mailpit has it: athletes' addresses may be non-ASCII) and serves them
as mailpit's HTTP API does (port 8025):

- GET /api/v1/messages?start=N&limit=M: newest first, {"total", "count", "start",
  "messages": [summary…]}, each summary with ID, MessageID, From, To, Subject, Created, Size;
- GET /api/v1/message/{ID}: the summary plus Date, Text and HTML.

Only the fields the deployment test reads, in mailpit's JSON shape, so the same test runs
against the real mail server.
"""

import asyncio
import email
import email.policy
import json
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.smtp import SMTP, Envelope, Session

MESSAGES: list[dict[str, Any]] = []


def _addresses(value: str | None) -> list[dict[str, str]]:
    return [{"Name": name, "Address": address} for name, address in getaddresses([value or ""])]


def _body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else ""


def _stored(raw: bytes) -> dict[str, Any]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    sender = _addresses(message["From"])
    return {
        "ID": uuid.uuid4().hex,
        "MessageID": str(message["Message-ID"] or "").strip().strip("<>"),
        "From": sender[0] if sender else {"Name": "", "Address": ""},
        "To": _addresses(message["To"]),
        "Subject": str(message["Subject"] or ""),
        "Created": datetime.now(UTC).isoformat(),
        "Size": len(raw),
        "Date": str(message["Date"] or ""),
        "Text": _body(message, "plain"),
        "HTML": _body(message, "html"),
    }


def _summary(stored: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in stored.items() if key not in ("Text", "HTML", "Date")}


class Keep:
    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        MESSAGES.append(_stored(envelope.original_content or envelope.content))
        return "250 OK"


def _answer(path: str) -> tuple[int, Any]:
    url = urlsplit(path)
    if url.path == "/api/v1/messages":
        query = parse_qs(url.query)
        start = int(query.get("start", ["0"])[0])
        limit = int(query.get("limit", ["50"])[0])
        newest_first = MESSAGES[::-1]
        page = [_summary(m) for m in newest_first[start : start + limit]]
        total = len(MESSAGES)
        return 200, {
            "total": total,
            "messages_count": total,
            "count": len(page),
            "start": start,
            "messages": page,
        }
    if url.path.startswith("/api/v1/message/"):
        wanted = url.path.rsplit("/", 1)[1]
        for stored in MESSAGES:
            if stored["ID"] == wanted or (wanted == "latest" and stored is MESSAGES[-1]):
                return 200, stored
        return 404, {"Error": "message not found"}
    if url.path in ("/livez", "/readyz"):
        return 200, {"ok": True}
    return 404, {"Error": "not found"}


async def _http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while request := await reader.readline():
            method, path, _ = request.decode("latin-1").split(" ", 2)
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass
            status, payload = _answer(path) if method == "GET" else (405, {"Error": "GET only"})
            body = json.dumps(payload).encode()
            writer.write(
                f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await writer.drain()
    except (ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def main() -> None:
    loop = asyncio.get_running_loop()
    smtp = await loop.create_server(lambda: SMTP(Keep(), enable_SMTPUTF8=True), "0.0.0.0", 1025)
    http = await asyncio.start_server(_http, "0.0.0.0", 8025)
    async with smtp, http:
        await asyncio.gather(smtp.serve_forever(), http.serve_forever())


if __name__ == "__main__":
    asyncio.run(main())
