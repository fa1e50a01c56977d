"""Dates: month names, the ways reports write a date, the dates a question names, and the dates
or periods a report sentence gives its figures for.

Month names are matched as written here (capitalised) unless the caller's pattern ignores case.
"""

from __future__ import annotations

import re
from datetime import datetime

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
MONTH_NAMES = "|".join(MONTHS)  # a regular-expression alternation: "January|February|..."
# A year, or a financial year: "2024", "2022/23", "2022/2023".
YEAR = r"\b(?:19|20)\d\d(?:/\d\d(?:\d\d)?)?\b"

_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%d/%m/%Y", "%B %d, %Y", "%b %d, %Y")


def parse_date(text: str) -> str:
    """ISO date from the ways reports write it; empty when it is not a date."""
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip().rstrip("."))
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return ""


_ISO_DATE = re.compile(r"\b(20\d\d)-(\d\d)(?:-(\d\d))?\b")
_DAY_MONTH_YEAR = re.compile(rf"\b(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?({MONTH_NAMES})\s+(20\d\d)\b", re.IGNORECASE)
_YEAR_ALONE = re.compile(r"\b(20\d\d)\b")
_MONTH_NUMBER = {name.lower(): n for n, name in enumerate(MONTHS, 1)}


def dates_named(text: str) -> list[str]:
    """Date prefixes a text names ("2024", "2024-09", "2024-09-04"), most precise first."""
    found: list[str] = []
    rest = text
    for m in _ISO_DATE.finditer(text):
        found.append("-".join(p for p in m.groups() if p))
    rest = _ISO_DATE.sub(" ", rest)
    for m in _DAY_MONTH_YEAR.finditer(rest):
        month = _MONTH_NUMBER[m.group(2).lower()]
        found.append(f"{m.group(3)}-{month:02d}" + (f"-{int(m.group(1)):02d}" if m.group(1) else ""))
    rest = _DAY_MONTH_YEAR.sub(" ", rest)
    found += _YEAR_ALONE.findall(rest)
    return sorted(dict.fromkeys(found), key=len, reverse=True)


# -- the periods figures are for --------------------------------------------------------------------
_PERIOD = re.compile(
    rf"\b(?:(?:the )?(?:end|start|beginning|middle) of )?(?:\d{{1,2}}(?:st|nd|rd|th)? (?:of )?)?(?:{MONTH_NAMES})"
    rf"(?: \d{{1,2}}(?:st|nd|rd|th)?,)? \d{{4}}\b"
    r"|\b(?:19|20)\d\d\s?[/–-]\s?(?:(?:19|20)\d\d|\d\d)\b(?![/–-]\d)|\b(?:19|20)\d\d\b(?![/–-]\d)", re.IGNORECASE)
# What a date is when it is not the date figures are for: a deadline, a start, a law's year.
_NOT_AS_AT = re.compile(r"(?:\b(?:by|until|before|since|after|Act|due in|due by|expected in|plan(?:ned)? for)\s+"
                        r"(?:the (?:end|start) of )?)$", re.IGNORECASE)
_DAY_MONTH_FULL_YEAR = re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({MONTH_NAMES}) (\d{{4}})", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"({MONTH_NAMES}) (\d{{4}})", re.IGNORECASE)
_FINANCIAL_YEAR = re.compile(r"((?:19|20)\d\d)\s?[/–-]\s?((?:19|20)?\d\d)")


def period_of(raw: str) -> str:
    """A stated date or period in one form: "31 March 2024" -> "2024-03-31", "end of March 2024" ->
    "2024-03", "2023-24" -> "2023/24", "2024" -> "2024"."""
    text = re.sub(r"^(?:the )?(?:end|start|beginning|middle) of ", "", raw.strip(), flags=re.IGNORECASE)
    m = _DAY_MONTH_FULL_YEAR.fullmatch(text)
    if m and 1 <= int(m.group(1)) <= 31:
        return f"{m.group(3)}-{_MONTH_NUMBER[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"
    m = _MONTH_YEAR.fullmatch(text)
    if m:
        return f"{m.group(2)}-{_MONTH_NUMBER[m.group(1).lower()]:02d}"
    m = _FINANCIAL_YEAR.fullmatch(text)
    if m:
        return f"{m.group(1)}/{m.group(2)[-2:]}"
    if re.fullmatch(r"(?:19|20)\d\d", text):
        return text
    return parse_date(text) or text


def period_words(period: str) -> str:
    """A period as `period_of` keeps it, in words again: "2024-03-31" -> "31 March 2024", "2024-03"
    -> "March 2024"; "2023/24" and "2024" as they are."""
    m = _ISO_DATE.fullmatch(period)
    if m and 1 <= int(m.group(2)) <= 12:
        month = MONTHS[int(m.group(2)) - 1]
        return f"{int(m.group(3))} {month} {m.group(1)}" if m.group(3) else f"{month} {m.group(1)}"
    return period


def stated_periods(sentence: str) -> list[tuple[int, int, str]]:
    """(start, end, period) of the dates a sentence gives its figures for, in order; deadlines ("by
    March 2025"), start dates ("since 2022"), the years in names ("Care Act 2014") and spans that are
    no financial year ("2023-2027") are not."""
    out = []
    for m in _PERIOD.finditer(sentence):
        if _NOT_AS_AT.search(sentence[max(0, m.start() - 30):m.start()]):
            continue
        fy = _FINANCIAL_YEAR.fullmatch(m.group(0))
        if fy and int(fy.group(2)[-2:]) != (int(fy.group(1)) + 1) % 100:
            continue
        out.append((m.start(), m.end(), period_of(m.group(0))))
    return out
