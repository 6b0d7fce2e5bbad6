"""Tokens that name one record and a deadline, signed with HMAC-SHA256: what offer links and
status links carry, so the party that mints a link (notification) needs no database, and the
party that checks it (grant, intake) needs none to tell a genuine token from a forged one.

    payload = version (1 byte, 1) || record id (16 bytes) || deadline (8 bytes, big-endian
              signed Unix seconds)
    mac     = HMAC-SHA256(key = the shared key as UTF-8, msg = purpose || payload)
    token   = base64url(payload || mac), without padding: 76 characters

The purpose (b"accelerator.offer-link:", b"accelerator.status-link:") keeps a token of one
kind from ever passing for the other, even under the same key.
"""

import base64
import binascii
import hashlib
import hmac
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final
from uuid import UUID

VERSION: Final = 1
TOKEN_LENGTH: Final = 76
_PAYLOAD: Final = struct.Struct(">B16sq")
_MAC_BYTES: Final = hashlib.sha256().digest_size
_TOKEN: Final = re.compile(rf"[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}")


class ForgedToken(ValueError):
    """Not a token this key signed."""


@dataclass(frozen=True)
class SignedClaim:
    record_id: UUID
    expires_at: datetime


@dataclass(frozen=True)
class LinkSigner:
    purpose: bytes

    def _mac(self, payload: bytes, key: str) -> bytes:
        if not key:
            raise ValueError("a signing key is required")
        return hmac.new(key.encode(), self.purpose + payload, hashlib.sha256).digest()

    def sign(self, record_id: UUID, expires_at: datetime, *, key: str) -> str:
        if expires_at.tzinfo is None:
            raise ValueError("expires_at must be timezone-aware")
        payload = _PAYLOAD.pack(VERSION, record_id.bytes, int(expires_at.timestamp() // 1))
        return base64.urlsafe_b64encode(payload + self._mac(payload, key)).rstrip(b"=").decode()

    def verify(self, token: str, *, key: str) -> SignedClaim:
        """The claim of a genuine token (expired or not); ForgedToken for anything else."""
        if not _TOKEN.fullmatch(token):
            raise ForgedToken("malformed token")
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError) as exc:
            raise ForgedToken("malformed token") from exc
        payload, mac = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
        if len(mac) != _MAC_BYTES or not hmac.compare_digest(mac, self._mac(payload, key)):
            raise ForgedToken("token signature does not match")
        version, record_id, deadline = _PAYLOAD.unpack(payload)
        if version != VERSION:
            raise ForgedToken(f"unknown token version {version}")
        return SignedClaim(UUID(bytes=record_id), datetime.fromtimestamp(deadline, UTC))
