"""A loaded document: the blocks read from one file, or the pages of one report put together."""

from __future__ import annotations

from dataclasses import dataclass, field

from cqc.models import Block, Format


@dataclass
class LoadedDocument:
    """Blocks read from one file, or the pages of one report put together in report order.

    `page_starts` marks where each file's blocks begin (the structure reader starts afresh at
    each page: a statement page never inherits the section of the page before it), and
    `files[i]` is the file whose blocks start at `page_starts[i]`.
    """

    source: str  # the file it was read from; for a report of several pages, its first page
    format: Format
    blocks: list[Block]
    files: list[str] = field(default_factory=list)  # every file that contributed
    warnings: list[str] = field(default_factory=list)  # read, but not as written (e.g. not UTF-8)
    page_starts: list[int] = field(default_factory=lambda: [0])

    def file_at(self, index: int) -> str:
        """The file the block at `index` came from."""
        if len(self.files) <= 1:
            return self.files[0] if self.files else self.source
        page = max(i for i, start in enumerate(self.page_starts) if start <= index)
        return self.files[min(page, len(self.files) - 1)]
