"""Jinja2 templates of every e-mail, one file per e-mail under templates/, translated through
the gettext catalogs the pages use (shared/pages/locales): a new language is a catalog."""

import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from services.notification.domain.composition import Letter
from shared.pages import translations


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    # An HTML alternative, for e-mails whose links deserve real buttons; None: text only.
    html: str | None = None


class TemplateRenderer:
    def __init__(self) -> None:
        # Plain text, so nothing to escape; a variable a template forgets to receive is
        # an error rather than a silent blank in an athlete's e-mail.
        self._env = Environment(
            loader=PackageLoader("services.notification", "templates"),
            undefined=StrictUndefined,
            autoescape=False,  # noqa: S701 - plain text; the HTML part escapes on its own
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            extensions=["jinja2.ext.i18n"],
        )

    def available(self) -> set[str]:
        """Every e-mail there is a template for."""
        names = self._env.list_templates(filter_func=lambda n: not n.startswith("_"))
        return {name.removesuffix(".txt.j2") for name in names}

    def render(self, letter: Letter) -> Rendered:
        template = self._env.get_template(f"{letter.template}.txt.j2")
        catalog = translations(letter.language)
        values = {**letter.context, "gettext": catalog.gettext, "ngettext": catalog.ngettext}
        context = template.new_context(values)
        subject = re.sub(r"[ \t\r\n]+", " ", "".join(template.blocks["subject"](context)))
        body = template.render(values)
        links = [v for k, v in letter.context.items() if k.endswith("_url") and isinstance(v, str)]
        return Rendered(
            subject=subject.strip(),  # keeps no-break spaces
            text=wrapped(body).strip() + "\n",
            html=as_html(body, links=links, language=letter.language) if links else None,
        )


def wrapped(text: str, width: int = 76) -> str:
    """Templates keep a paragraph on one line; mail clients read text wrapped under 78."""
    lines = []
    for line in text.split("\n"):
        indent = " " * (len(line) - len(line.lstrip(" -"))) if line.startswith("  - ") else ""
        lines.append(
            textwrap.fill(
                line,
                width=width,
                subsequent_indent=indent,
                break_long_words=False,  # links must stay whole
                break_on_hyphens=False,
            )
            if len(line) > width
            else line
        )
    return "\n".join(lines)


_BUTTON = (
    "display:inline-block;margin:4px 8px 4px 0;padding:12px 20px;border-radius:6px;"
    "font-weight:bold;text-decoration:none;"
)
_BUTTON_STYLES = (
    _BUTTON + "background:#0b5cad;color:#ffffff;",
    _BUTTON + "background:#ffffff;color:#0b5cad;border:2px solid #0b5cad;",
)


def as_html(body: str, *, links: Iterable[str], language: str) -> str:
    """The same words as the text part, as HTML: paragraphs, lists, and each "label: link"
    line as a button, so the two parts cannot say different things."""
    buttons = {url: _BUTTON_STYLES[min(i, 1)] for i, url in enumerate(links)}
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    row: list[str] = []

    def close(*open_blocks: list[str]) -> None:
        for block in open_blocks:
            if block is items and items:
                blocks.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
            elif block is paragraph and paragraph:
                blocks.append("<p>" + "<br>".join(paragraph) + "</p>")
            elif block is row and row:
                blocks.append("<p>" + "".join(row) + "</p>")
            block.clear()

    for line in body.strip().split("\n"):
        label, _, url = line.rpartition(" ")
        if url in buttons:
            # "Accept the package:  https://…" becomes a button labelled "Accept the package".
            close(paragraph, items)
            text = escape(label.strip().rstrip(":").strip())
            row.append(f'<a href="{escape(url)}" style="{buttons[url]}">{text}</a>')
        elif line.startswith("  - "):
            close(paragraph, row)
            items.append(str(escape(line[4:])))
        elif line.strip():
            close(items, row)
            paragraph.append(str(escape(line)))
        else:
            close(paragraph, items, row)
    close(paragraph, items, row)
    content = Markup("\n".join(blocks))  # noqa: S704 - every piece was escaped above
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        '<body style="font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;'
        f'color:#1a1a1a;max-width:36em;margin:0 auto;padding:16px">\n{content}\n</body></html>\n'
    )
