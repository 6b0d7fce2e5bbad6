"""Jinja2 templates of every e-mail, one file per (language, template) under templates/."""

import re
import textwrap
from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, StrictUndefined

from services.notification.domain.composition import Letter


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str


class TemplateRenderer:
    def __init__(self) -> None:
        # Plain text, so nothing to escape; a variable a template forgets to receive is
        # an error rather than a silent blank in an athlete's e-mail.
        self._env = Environment(
            loader=PackageLoader("services.notification", "templates"),
            undefined=StrictUndefined,
            autoescape=False,  # noqa: S701 - plain-text e-mail, never HTML
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def available(self) -> set[tuple[str, str]]:
        """Every (language, template) there is a file for."""
        names = self._env.list_templates(
            filter_func=lambda n: not n.rsplit("/", 1)[-1].startswith("_")
        )
        return {(n.split("/", 1)[0], n.split("/", 1)[1].removesuffix(".txt.j2")) for n in names}

    def render(self, letter: Letter) -> Rendered:
        template = self._env.get_template(f"{letter.language}/{letter.template}.txt.j2")
        context = template.new_context(dict(letter.context))
        subject = "".join(template.blocks["subject"](context))
        return Rendered(
            subject=re.sub(r"[ \t\r\n]+", " ", subject).strip(),  # keeps no-break spaces
            text=wrapped(template.render(letter.context)).strip() + "\n",
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
