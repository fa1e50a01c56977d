"""Stage 1, read the question: rewrite a follow-up to stand alone, then read it into a plan."""

from __future__ import annotations

from assistant.path import Asked, Reading
from assistant.question.followup import rewrite, rewrite_with_model
from assistant.question.names import AuthorityNames
from assistant.question.understand import understand
from vectorstore.store import LibraryStore


class ReadQuestion:
    def __init__(self, store: LibraryStore, model=None):
        self.store = store
        self.model = model  # a chat model rewrites follow-ups only when configured to
        self._names: tuple[tuple[str, ...], AuthorityNames] | None = None

    def names(self) -> AuthorityNames:
        """Every name of every authority in the library, read from the catalog; worked out again only
        when the library's authorities change (at 150 authorities it took most of a question's time)."""
        authorities = tuple(sorted({r.authority for r in self.store.reports() if r.authority}))
        if self._names is None or self._names[0] != authorities:
            self._names = (authorities, AuthorityNames.from_authorities(list(authorities)))
        return self._names[1]

    def run(self, asked: Asked) -> Reading:
        names = self.names()
        history = list(asked.history)
        if self.model is not None and self.store.settings.llm.rewrite:
            standalone = rewrite_with_model(self.model, asked.question, history, names)
        else:
            standalone = rewrite(asked.question, history, names)
        return Reading(asked, standalone, understand(standalone, names), names)
