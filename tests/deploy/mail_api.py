"""The deployment's mail server read through mailpit's HTTP API (v1), as its port publishes it.

Only documented fields are used (messages, ID, MessageID, To, Subject; Text of one
message), so the same reading works against mailpit and against the local stand-in.
"""

import re
from dataclasses import dataclass
from typing import Any

import httpx

# Both link shapes: GRANT_URL/v1/offers/<token>/accept and GRANT_URL/offers/<token>?lang=xx.
OFFER_TOKEN = re.compile(r"/offers/([A-Za-z0-9_-]{76})")
_PAGE = 500


@dataclass(frozen=True)
class Mail:
    id: str
    message_id: str
    recipient: str
    subject: str


class MailServer:
    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self._http = http
        self._url = url.rstrip("/")
        self._texts: dict[str, str] = {}

    async def messages(self) -> list[Mail]:
        """Every message received so far, as stored (a resend is a second entry)."""
        found: list[Mail] = []
        while True:
            answer = await self._http.get(
                f"{self._url}/api/v1/messages", params={"start": len(found), "limit": _PAGE}
            )
            answer.raise_for_status()
            page: list[dict[str, Any]] = answer.json()["messages"]
            found += [
                Mail(
                    id=m["ID"],
                    message_id=m["MessageID"],
                    recipient=m["To"][0]["Address"] if m["To"] else "",
                    subject=m["Subject"],
                )
                for m in page
            ]
            if len(page) < _PAGE:
                return found

    async def text(self, mail: Mail) -> str:
        if mail.id not in self._texts:
            answer = await self._http.get(f"{self._url}/api/v1/message/{mail.id}")
            answer.raise_for_status()
            self._texts[mail.id] = str(answer.json()["Text"])
        return self._texts[mail.id]

    async def offer_tokens(self) -> dict[str, str]:
        """Offer token -> recipient, for every offer e-mail so far."""
        tokens: dict[str, str] = {}
        for mail in await self.messages():
            match = OFFER_TOKEN.search(await self.text(mail))
            if match:
                tokens[match.group(1)] = mail.recipient
        return tokens
