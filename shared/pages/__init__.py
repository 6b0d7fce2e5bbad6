"""Server-rendered pages for people (athletes, reviewers): Jinja2 templates translated through
gettext catalogs, the reader's language, one stylesheet, and the headers every page carries.

Pages work without JavaScript and never act on GET or HEAD: mail scanners and link previews
open every link of an e-mail before the person does.
"""

import io
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any, Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape

from shared.languages import Language, page_language

# No script at all, no inline style, nothing from another site; forms post only here; no
# framing (clickjacking of the Accept button); the link's token never leaves in a Referer.
SECURITY_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
STYLESHEET_PATH: Final = "/static/pages.css"
_CATALOG_DOMAIN: Final = "pages"


@cache
def translations(language: Language) -> NullTranslations:
    """The catalog of one language, compiled from its .po file when first needed; a message
    it lacks reads in English, never as a message id."""
    po = files("shared.pages") / "locales" / language / "LC_MESSAGES" / f"{_CATALOG_DOMAIN}.po"
    if not po.is_file():
        return NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=_CATALOG_DOMAIN)


class PageRenderer:
    """Renders a service's page templates (beside the shared layout) in the reader's language."""

    def __init__(self, package: str) -> None:
        self._env = Environment(
            loader=ChoiceLoader(
                [PackageLoader(package, "templates"), PackageLoader("shared.pages", "templates")]
            ),
            autoescape=select_autoescape(default=True),
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def render(
        self, template: str, language: Language, context: Mapping[str, Any], status: int = 200
    ) -> HTMLResponse:
        catalog = translations(language)
        page = self._env.get_template(template).render(
            {
                **context,
                "lang": language,
                "stylesheet": STYLESHEET_PATH,
                "gettext": catalog.gettext,
                "ngettext": catalog.ngettext,
                "_": catalog.gettext,
            }
        )
        return HTMLResponse(page, status_code=status, headers=SECURITY_HEADERS)


def reader_language(request: Request) -> Language:
    """The link's ?lang= (an e-mail knows its reader's language), else Accept-Language."""
    return page_language(request.query_params.get("lang"), request.headers.get("accept-language"))


def stylesheet_router() -> APIRouter:
    """The one stylesheet of every page; no external font or CDN."""
    routes = APIRouter(include_in_schema=False)
    css = (files("shared.pages") / "static" / "pages.css").read_text()

    @routes.api_route(STYLESHEET_PATH, methods=["GET", "HEAD"])
    async def stylesheet() -> Response:
        headers = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=3600"}
        return Response(css, media_type="text/css", headers=headers)

    return routes


__all__ = ["PageRenderer", "reader_language", "stylesheet_router", "translations"]
