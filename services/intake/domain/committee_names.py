"""The National Olympic Committees as a reader of each language names them: Babel's (CLDR's)
name of the committee's territory, or the committee's own name where it has one on purpose."""

import unicodedata
from collections.abc import Mapping
from functools import cache
from typing import Final

from babel import Locale
from babel.core import get_global

from services.intake.domain.noc import NOC_TO_ISO

# The IOC's name for the committee, not the territory's (the 1981 Nagoya resolution).
_OWN_NAMES: Final = {"TPE": "Chinese Taipei"}
# CLDR's user-assigned code for Kosovo has no alpha-3 alias.
_TERRITORY_OF: Final = {"XKX": "XK"}


def _territory(iso3: str) -> str | None:
    aliases: Mapping[str, list[str]] = get_global("territory_aliases")
    return _TERRITORY_OF.get(iso3) or next(iter(aliases.get(iso3, [])), None)


def _sort_key(name: str) -> str:
    # "Österreich" among the O, "Égypte" among the E.
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def committee_names(language: str) -> tuple[tuple[str, str], ...]:
    """(IOC code, name) of every committee, in the reader's alphabetical order."""
    territories = Locale.parse(language).territories
    named = []
    for noc, iso3 in NOC_TO_ISO.items():
        territory = _territory(iso3)
        name = _OWN_NAMES.get(noc) or (territories.get(territory) if territory else None) or noc
        named.append((noc, name))
    return tuple(sorted(named, key=lambda pair: _sort_key(pair[1])))
