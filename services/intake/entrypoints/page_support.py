"""What intake's pages share: the renderer, the language switcher, the message page, the
cookie a status link is exchanged for, and the checks a form posted from a status page passes
before it changes anything."""

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Final
from urllib.parse import urlencode, urlsplit
from uuid import UUID

from babel import Locale
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from services.intake.entrypoints.form_texts import Gettext
from shared.languages import SUPPORTED, Language
from shared.pages import SECURITY_HEADERS, PageRenderer, reader_language, translations

DEFAULT_PROGRAMME: Final = "Athlete365 Business Accelerator"
STATUS_COOKIE: Final = "status_link"
# The hidden field of a status page's confirmation form, and what its value is derived under.
CONFIRMATION_FIELD: Final = "confirmation"
_FORM_TOKEN_PURPOSE: Final = b"accelerator.status-form:"

PAGES = PageRenderer("services.intake")


@cache
def language_names() -> tuple[tuple[str, str], ...]:
    """Each served language in its own words, as a reader looks for it."""
    return tuple(
        (code, (Locale.parse(code).get_display_name(code) or code).capitalize())
        for code in SUPPORTED
    )


def language_links(request: Request) -> list[tuple[str, str, str]]:
    """(code, name, this page in it): a switcher of plain links."""
    path = request.url.path
    return [(code, name, f"{path}?{urlencode({'lang': code})}") for code, name in language_names()]


def render(
    request: Request,
    template: str,
    context: Mapping[str, object],
    *,
    status: int = 200,
    language: Language | None = None,
) -> HTMLResponse:
    chosen = language or reader_language(request)
    context = {"programme": DEFAULT_PROGRAMME, "languages": language_links(request), **context}
    return PAGES.render(template, chosen, context, status)


def message(
    request: Request,
    outcome: str,
    heading: str,
    paragraphs: Sequence[str],
    *,
    status: int,
    links: Sequence[tuple[str, str]] = (),
) -> HTMLResponse:
    context = {"outcome": outcome, "heading": heading, "paragraphs": paragraphs, "links": links}
    return render(request, "message.html.j2", context, status=status)


def gettext_for(request: Request) -> tuple[Language, Gettext]:
    language = reader_language(request)
    return language, translations(language).gettext


def with_lang(path: str, language: Language) -> str:
    return f"{path}?{urlencode({'lang': language})}"


def application_path(application_id: UUID) -> str:
    return f"/applications/{application_id}"


def to_application(
    request: Request,
    application_id: UUID,
    *,
    token: str,
    expires_at: datetime,
    now: datetime,
    page: str = "",
) -> RedirectResponse:
    """303 to the application's clean URL, holding the status token in a cookie that only
    this application's pages receive and no script can read. SameSite=Lax, not Strict: the
    link is clicked in a webmail, another site, and browsers withhold a Strict cookie from
    the redirect that follows such a click, which would show "link not valid". Lax keeps it
    off other sites' POSTs, images and frames; the pages' forms check more (sent_from_here,
    form_token)."""
    path = application_path(application_id)
    language = reader_language(request)
    response = RedirectResponse(with_lang(path + page, language), status_code=303)
    response.headers.update(SECURITY_HEADERS)
    response.set_cookie(
        STATUS_COOKIE,
        token,
        max_age=max(0, int((expires_at - now).total_seconds())),
        path=path,
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    return response


def status_token(request: Request) -> str | None:
    return request.cookies.get(STATUS_COOKIE)


def redirect(path: str) -> RedirectResponse:
    """303 after a POST, so that reloading the page shown next sends nothing again."""
    response = RedirectResponse(path, status_code=303)
    response.headers.update(SECURITY_HEADERS)
    return response


def form_token(link_token: str, action: str, *, key: str) -> str:
    """The value a confirmation form carries back: an HMAC of the status link in the cookie
    and of the action. Only a page of ours, shown to the holder of the cookie, can write it:
    another site can neither read the cookie (HttpOnly) nor our page (same-origin policy)."""
    if not key:
        raise ValueError("a signing key is required")
    message = _FORM_TOKEN_PURPOSE + action.encode() + b":" + link_token.encode()
    mac = hmac.new(key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def form_token_matches(posted: object, link_token: str, action: str, *, key: str) -> bool:
    if not isinstance(posted, str) or not key:
        return False
    return hmac.compare_digest(posted.encode(), form_token(link_token, action, key=key).encode())


def sent_from_here(request: Request) -> bool:
    """False for a request a browser says another site sent: Sec-Fetch-Site other than
    same-origin, or an Origin of another host. Our pages send `Referrer-Policy: no-referrer`,
    under which browsers post our own forms with `Origin: null`, so a null or missing Origin
    is left to the form token (and to a browser without Sec-Fetch-Site, to SameSite)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site != "same-origin":
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()
