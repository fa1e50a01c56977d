"""Stage 2, resolve scope: which authorities the answer is about, and what it must say it leaves out.

The rules an improvement officer would expect:
- A council the question names is answered for, unless the library holds no report for it or
  the user's filters leave it out: then the answer says so and says nothing else about it.
- "We", "our", "the council" mean the user's own council (the home authority); with none set,
  the one authority the user's filter selects, or the library's only authority; failing those,
  the answer asks which council is meant rather than answering for every one.
- "How do we compare with X?" is the home council and X.
- A question naming no council is about the user's filter if one is set, else the home council
  (and the answer says so), unless it asks across councils ("which councils", rank, average).
- With no council anywhere, the whole library answers, grouped by authority, so every finding
  says whose it is.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.path import Exemplar, Reading, Scope
from assistant.question.query_plan import Intent, ScoreAsk
from assistant.question.versions import choose_versions
from cqc.records import ReportEntry, SearchFilter, newest_per_authority
from cqc.text.tokens import tokenize
from vectorstore.store import LibraryStore

# Score questions that are about the library as a whole, whoever the user is.
ACROSS_SCORE_ASKS = (ScoreAsk.RANK, ScoreAsk.RATING_COUNTS, ScoreAsk.AVERAGE, ScoreAsk.AUTHORITIES_AT)
GOOD_SCORES = (3, 4)  # "what good looks like": the statement scored a good or exceptional standard
GOOD_RATINGS = ("Outstanding", "Good")
MAX_LISTED = 12  # authorities named in a note before "and N more"


def listing(authorities: list[str]) -> str:
    if len(authorities) <= MAX_LISTED:
        return _join(authorities)
    return ", ".join(authorities[:MAX_LISTED]) + f" and {len(authorities) - MAX_LISTED} more"


def _join(items: list[str], word: str = "and") -> str:
    if not items:
        return ""
    sep = "; " if any("," in i for i in items) else ", "  # statement names have commas of their own
    return items[0] if len(items) == 1 else sep.join(items[:-1]) + f" {word} " + items[-1]


class ResolveScope:
    def __init__(self, store: LibraryStore):
        self.store = store

    def run(self, reading: Reading) -> Scope:
        plan, asked = reading.plan, reading.asked
        filters = asked.filters
        reports = [r for r in self.store.reports() if r.authority]
        library = reading.names.authorities
        passes = _passes(filters, reports)

        # A name in a council's place that the library's text never uses is a council it does not
        # hold ("in Westshire", "WESTSHIRE's", "Westshire: ..."): named as absent, never answered for.
        absent = list(plan.absent) + [p[:1].upper() + p[1:] if p.islower() else p
                                      for p in plan.places if not self._library_mentions(p)]
        named = list(plan.authorities)
        filtered_out = [a for a in named if not passes(a)]
        targets = [a for a in named if passes(a)]
        home = reading.names.canonical(asked.home) if asked.home else ""
        home_missing = bool(asked.home) and not home  # their council has no report here: say so, answer nothing for it
        home_used = ""
        clarify = ""

        across = self._asks_across(reading)
        if across and not named and not absent:
            targets = list(filters.authorities)  # "how do we rank", "what can we learn from other councils"
        elif plan.first_person and (not named or plan.comparative):
            me = home or (filters.authorities[0] if len(filters.authorities) == 1 else "")
            me = me or (library[0] if len(library) == 1 else "")
            if home_missing:
                absent.insert(0, asked.home)
            elif not me:
                clarify = self._which_council(library)
            elif not passes(me):
                filtered_out.insert(0, me)
            elif me not in targets:
                targets.insert(0, me)
                home_used = me if me == home else ""
        elif not named and not absent:
            if filters.authorities:
                targets = list(filters.authorities)
            elif home_missing:
                absent.append(asked.home)
            elif home:
                if passes(home):
                    targets, home_used = [home], home
                else:
                    filtered_out.append(home)

        nothing_left = bool(absent or filtered_out) and not targets and not clarify
        where = replace(filters, authorities=tuple(targets))
        if not filters.report_ids:  # one report per authority: the newest, or the one whose date is asked
            where = replace(where, report_ids=choose_versions(self.store.reports(), reading.standalone).report_ids)
        exemplars: tuple[Exemplar, ...] = ()
        if plan.intent is Intent.GOOD_PRACTICE and not nothing_left and not clarify:
            exemplars = self._exemplars(reading, where, reports, passes)
            if plan.first_person and home:  # "what can we learn from other councils": not from ourselves
                exemplars = tuple(e for e in exemplars if e.authority != home) or exemplars
            where = replace(where, authorities=tuple(dict.fromkeys(e.authority for e in exemplars)))
            if exemplars and exemplars[0].statement:  # their practice on that statement, not elsewhere
                where = replace(where, quality_statements=(exemplars[0].statement,))
        several = len(where.authorities) >= 2 or (not where.authorities and len(library) >= 2)
        # Two councils asked about, one of them absent: the answer for the other still says whose it is.
        asked_several = len(named) + len(absent) + len(filtered_out) >= 2 and bool(targets)
        grouped = bool(exemplars) or ((several or asked_several) and plan.intent in (Intent.FINDINGS, Intent.SUMMARY))
        notes = self._notes(absent, filtered_out, filters, library)
        return Scope(
            reading=reading, where=where, grouped=grouped, home_used=home_used, absent=tuple(absent),
            filtered_out=tuple(filtered_out), clarify=clarify, exemplars=exemplars, notes=tuple(notes),
            nothing_left=nothing_left,
        )

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _asks_across(reading: Reading) -> bool:
        plan = reading.plan
        if plan.measure_ask is not None:
            # "the average share of the budget": every council, not ours; "our ... against the national average": ours
            return plan.measure_ask.across
        if plan.all_authorities or plan.intent is Intent.GOOD_PRACTICE:
            return True
        return plan.intent is Intent.SCORES and plan.score_ask in ACROSS_SCORE_ASKS

    def _library_mentions(self, name: str) -> bool:
        """Whether every word of a name occurs somewhere in the library's findings: "Hallowell" (a
        town in one report) does, "Westshire" (held nowhere) does not."""
        everything = SearchFilter()
        return all(self.store.keyword_search(token, 1, everything) for token in tokenize(name))

    @staticmethod
    def _which_council(library: list[str]) -> str:
        held = f" The library holds reports for {listing(library)}." if library else " The library is empty."
        return (
            "Which council do you mean? The question speaks for a council (\"we\", \"our\", \"the council\") and "
            "no council of your own is set: name it in the question, or set yours (\"My council\" in the app, "
            f"--as on the command line).{held}"
        )

    @staticmethod
    def _notes(absent: list[str], filtered_out: list[str], filters: SearchFilter, library: list[str]) -> list[str]:
        notes = []
        if absent:
            verb = "is" if len(absent) == 1 else "are"
            held = f" The library holds reports for {listing(library)}." if library else " The library is empty."
            notes.append(f"{_join(absent)} {verb} not in the library, so nothing is answered for "
                         f"{'it' if len(absent) == 1 else 'them'}.{held}")
        if filtered_out:
            verb = "is" if len(filtered_out) == 1 else "are"
            what = []
            if filters.authorities:
                what.append(f"authorities: {_join(list(filters.authorities))}")
            if filters.report_ids:
                what.append("overall score or publication date")
            notes.append(f"{_join(filtered_out)} {verb} outside your filters ({'; '.join(what) or 'filters'}), so nothing "
                         f"is answered for {'it' if len(filtered_out) == 1 else 'them'}: clear the filters to include "
                         f"{'it' if len(filtered_out) == 1 else 'them'}.")
        return notes

    def _exemplars(self, reading: Reading, where: SearchFilter, reports: list[ReportEntry], passes) -> tuple[Exemplar, ...]:
        """Authorities whose report scored the statement asked about 3 or 4 (or, with no statement,
        rated Good or Outstanding), best first: the ones whose practice shows what good looks like."""
        plan = reading.plan
        statement = (plan.quality_statements or plan.topic_statements or ("",))[0]
        chosen = newest_per_authority(reports, where.report_ids)
        out = []
        for authority, entry in chosen.items():
            if (where.authorities and authority not in where.authorities) or not passes(authority):
                continue
            if statement:
                score = entry.scores.get(statement)
                if score in GOOD_SCORES:
                    out.append(Exemplar(authority, statement, score))
            elif entry.rating in GOOD_RATINGS:
                out.append(Exemplar(authority, "", entry.overall_score or 0))
        out.sort(key=lambda e: (-e.score, e.authority))
        return tuple(out)


def _passes(filters: SearchFilter, reports: list[ReportEntry]):
    """Whether the user's filters leave an authority in: its name, and (for score and date
    filters, which arrive as report ids) at least one of its reports."""
    by_authority: dict[str, set[str]] = {}
    for r in reports:
        by_authority.setdefault(r.authority, set()).add(r.report_id)

    def passes(authority: str) -> bool:
        if filters.authorities and authority not in filters.authorities:
            return False
        if filters.report_ids and not by_authority.get(authority, set()) & set(filters.report_ids):
            return False
        return True

    return passes
