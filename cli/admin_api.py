"""Calls to a service's admin HTTP API, turning every way it can go wrong into a clear error."""

from typing import Any

import httpx

from cli.errors import CommandFailed

_HINTS = {401: " (is the admin token right?)", 404: "", 409: ""}


def detail_of(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip() or response.reason_phrase
    detail = body.get("detail", body) if isinstance(body, dict) else body
    return str(detail)


class AdminApi:
    def __init__(self, *, service: str, url: str, token: str, timeout_s: float = 60.0) -> None:
        self.service = service
        self._client = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout_s
        )

    def __enter__(self) -> "AdminApi":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def call(
        self,
        method: str,
        path: str,
        *,
        accept: tuple[int, ...] = (200,),
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        """The response when its status is one of `accept`; otherwise CommandFailed."""
        try:
            response = self._client.request(method, path, params=params, json=json)
        except httpx.HTTPError as exc:
            raise CommandFailed(
                f"{self.service} at {self._client.base_url} is unreachable: {exc!r}"
            ) from exc
        if response.status_code not in accept:
            raise CommandFailed(
                f"{self.service} answered {response.status_code} to {method} {path}:"
                f" {detail_of(response)}{_HINTS.get(response.status_code, '')}"
            )
        return response
