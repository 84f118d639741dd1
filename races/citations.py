"""Numbered source references, like footnotes, for the rows of a page.

A page cites the sources of each row it shows; every source gets one number,
in the order of first citation, and the page lists them at its foot.

    notes = Citations()
    numbers = notes.cite(entry.ordered_source_links)   # [1, 3]
    notes.sources                                     # [Cited(1, source), ...]
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Source, SourceLink


@dataclass
class Cited:
    """A source as listed at the foot of a page, with its number there."""

    number: int
    source: Source
    # What the citing rows note about it, e.g. "row truncated".
    notes: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return self.source.anchor


@dataclass
class Reference:
    """One row's reference to a listed source."""

    number: int
    source: Source
    note: str = ""

    @property
    def anchor(self) -> str:
        return self.source.anchor


class Citations:
    """The sources a page cites, numbered in the order of first citation."""

    def __init__(self) -> None:
        self._by_source: dict[int, Cited] = {}

    def cite(self, links: Iterable[SourceLink]) -> list[Reference]:
        """References to the linked sources, in their links' order, numbered
        for this page (a source cited before keeps its number)."""
        references = []
        for link in links:
            cited = self._by_source.get(link.source_id)
            if cited is None:
                cited = Cited(number=len(self._by_source) + 1, source=link.source)
                self._by_source[link.source_id] = cited
            if link.note and link.note not in cited.notes:
                cited.notes.append(link.note)
            references.append(Reference(cited.number, link.source, link.note))
        return references

    @property
    def sources(self) -> list[Cited]:
        """Every cited source, by number."""
        return sorted(self._by_source.values(), key=lambda cited: cited.number)

    def __bool__(self) -> bool:
        return bool(self._by_source)
