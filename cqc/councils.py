"""The councils in England with adult social care duties, and the names people call them by.

Adult social care is the duty of the upper tier: county councils, unitary authorities,
metropolitan boroughs, the London boroughs, the City of London and the Isles of Scilly (153
councils since the 2023 reorganisations in Cumbria, North Yorkshire and Somerset). District
councils have none, so a question about a district is about its county.

Knowing them lets a question that names a council the library does not hold say so, instead of
being answered from whichever council the library does hold. The list is written from public
knowledge of English local government; each line is "official name | other names", and the
usual short form (the name without "County Council", "London Borough of" ...) is derived.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

KINDS = ("county", "metropolitan", "london", "unitary")

_TABLE = {
    "county": """
        Cambridgeshire County Council | Cambs
        Derbyshire County Council
        Devon County Council
        East Sussex County Council
        Essex County Council
        Gloucestershire County Council | Glos
        Hampshire County Council | Hants
        Hertfordshire County Council | Herts
        Kent County Council
        Lancashire County Council | Lancs
        Leicestershire County Council | Leics
        Lincolnshire County Council | Lincs
        Norfolk County Council
        Nottinghamshire County Council | Notts
        Oxfordshire County Council | Oxon
        Staffordshire County Council | Staffs
        Suffolk County Council
        Surrey County Council
        Warwickshire County Council
        West Sussex County Council
        Worcestershire County Council | Worcs
    """,
    "metropolitan": """
        Bolton Council | Bolton Metropolitan Borough Council
        Bury Council | Bury Metropolitan Borough Council
        Manchester City Council
        Oldham Council | Oldham Metropolitan Borough Council
        Rochdale Borough Council | Rochdale Metropolitan Borough Council
        Salford City Council
        Stockport Metropolitan Borough Council | Stockport Council
        Tameside Metropolitan Borough Council | Tameside Council
        Trafford Council | Trafford Metropolitan Borough Council
        Wigan Council | Wigan Metropolitan Borough Council
        Knowsley Metropolitan Borough Council | Knowsley Council
        Liverpool City Council
        St Helens Borough Council | St Helens Council; St. Helens; St Helens Metropolitan Borough Council
        Sefton Council | Sefton Metropolitan Borough Council
        Wirral Council | Metropolitan Borough of Wirral; Wirral Metropolitan Borough Council
        Barnsley Metropolitan Borough Council | Barnsley Council
        City of Doncaster Council | Doncaster Council; Doncaster Metropolitan Borough Council; Doncaster
        Rotherham Metropolitan Borough Council | Rotherham Council
        Sheffield City Council
        Gateshead Council | Gateshead Metropolitan Borough Council
        Newcastle City Council | Newcastle upon Tyne City Council; Newcastle upon Tyne
        North Tyneside Council
        South Tyneside Council
        Sunderland City Council
        Birmingham City Council
        Coventry City Council
        Dudley Metropolitan Borough Council | Dudley Council
        Sandwell Metropolitan Borough Council | Sandwell Council
        Solihull Metropolitan Borough Council | Solihull Council
        Walsall Council | Walsall Metropolitan Borough Council
        City of Wolverhampton Council | Wolverhampton City Council; Wolverhampton
        City of Bradford Metropolitan District Council | Bradford Council; Bradford
        Calderdale Metropolitan Borough Council | Calderdale Council
        Kirklees Council | Kirklees Metropolitan Council
        Leeds City Council
        City of Wakefield Metropolitan District Council | Wakefield Council; Wakefield
    """,
    "london": """
        City of London Corporation | City of London; Corporation of London
        London Borough of Barking and Dagenham | Barking and Dagenham Council; Barking & Dagenham
        London Borough of Barnet | Barnet Council
        London Borough of Bexley | Bexley Council
        London Borough of Brent | Brent Council
        London Borough of Bromley | Bromley Council
        London Borough of Camden | Camden Council
        London Borough of Croydon | Croydon Council
        London Borough of Ealing | Ealing Council
        London Borough of Enfield | Enfield Council
        Royal Borough of Greenwich | Greenwich Council
        London Borough of Hackney | Hackney Council
        London Borough of Hammersmith and Fulham | Hammersmith & Fulham; Hammersmith and Fulham Council; LBHF
        London Borough of Haringey | Haringey Council
        London Borough of Harrow | Harrow Council
        London Borough of Havering | Havering Council
        London Borough of Hillingdon | Hillingdon Council
        London Borough of Hounslow | Hounslow Council
        London Borough of Islington | Islington Council
        Royal Borough of Kensington and Chelsea | Kensington & Chelsea; Kensington and Chelsea Council; RBKC
        Royal Borough of Kingston upon Thames | Kingston Council; Kingston
        London Borough of Lambeth | Lambeth Council
        London Borough of Lewisham | Lewisham Council
        London Borough of Merton | Merton Council
        London Borough of Newham | Newham Council
        London Borough of Redbridge | Redbridge Council
        London Borough of Richmond upon Thames | Richmond upon Thames Council; Richmond Council; Richmond
        London Borough of Southwark | Southwark Council
        London Borough of Sutton | Sutton Council
        London Borough of Tower Hamlets | Tower Hamlets Council
        London Borough of Waltham Forest | Waltham Forest Council
        London Borough of Wandsworth | Wandsworth Council
        Westminster City Council | City of Westminster; Westminster
    """,
    "unitary": """
        Bath and North East Somerset Council | Bath & North East Somerset; BANES; B&NES; Bath
        Bedford Borough Council
        Blackburn with Darwen Borough Council | Blackburn with Darwen Council; Blackburn
        Blackpool Council
        Bournemouth, Christchurch and Poole Council | BCP Council; BCP; Bournemouth
        Bracknell Forest Council
        Brighton and Hove City Council | Brighton & Hove; Brighton and Hove Council; Brighton
        Bristol City Council
        Buckinghamshire Council | Bucks
        Central Bedfordshire Council
        Cheshire East Council
        Cheshire West and Chester Council | Cheshire West & Chester; Cheshire West
        Cornwall Council
        Cumberland Council
        Darlington Borough Council
        Derby City Council
        Dorset Council
        Durham County Council | County Durham; Durham Council
        East Riding of Yorkshire Council | East Riding
        Halton Borough Council
        Hartlepool Borough Council
        Herefordshire Council | County of Herefordshire; Herefordshire County Council
        Isle of Wight Council
        Council of the Isles of Scilly | Isles of Scilly Council; Scilly
        Kingston upon Hull City Council | Hull City Council; Hull
        Leicester City Council
        Luton Borough Council | Luton Council
        Medway Council
        Middlesbrough Council
        Milton Keynes City Council | Milton Keynes Council
        North East Lincolnshire Council
        North Lincolnshire Council
        North Northamptonshire Council
        North Somerset Council
        North Yorkshire Council | North Yorkshire County Council
        Northumberland County Council
        Nottingham City Council
        Peterborough City Council
        Plymouth City Council
        Portsmouth City Council
        Reading Borough Council
        Redcar and Cleveland Borough Council | Redcar & Cleveland; Redcar and Cleveland Council; Redcar
        Rutland County Council
        Shropshire Council
        Slough Borough Council
        Somerset Council | Somerset County Council
        South Gloucestershire Council
        Southampton City Council
        Southend-on-Sea City Council | Southend-on-Sea; Southend
        Stockton-on-Tees Borough Council | Stockton
        Stoke-on-Trent City Council | Stoke
        Swindon Borough Council
        Telford and Wrekin Council | Telford & Wrekin; Telford
        Thurrock Council
        Torbay Council
        Warrington Borough Council
        West Berkshire Council
        West Northamptonshire Council
        Westmorland and Furness Council | Westmorland & Furness
        Wiltshire Council
        Royal Borough of Windsor and Maidenhead | Windsor and Maidenhead Council; RBWM
        Wokingham Borough Council
        City of York Council | York Council
    """,
}

# The short form is what is left of the official name without these.
_SUFFIXES = (
    "metropolitan borough council", "metropolitan district council", "metropolitan council",
    "borough council", "county council", "city council", "corporation", "council",
)
_PREFIXES = ("london borough of ", "royal borough of ", "metropolitan borough of ", "council of the ", "city of ")
# Short forms that are also everyday words: taken as a council only beside "Council" or after a
# word that places them ("in Reading", "at Bury"), never as the first word of a question.
EVERYDAY_WORDS = frozenset({"reading", "bury", "bath", "stoke", "kingston", "richmond", "sutton", "brent", "derby"})


@dataclass(frozen=True)
class Council:
    name: str  # the official name, e.g. "Durham County Council"
    kind: str  # one of KINDS
    names: tuple[str, ...]  # every name it goes by, the official one first

    @property
    def short(self) -> str:
        """The form people use in conversation: "Durham", "Camden", "Isles of Scilly"."""
        return _short_form(self.name)


def _short_form(name: str) -> str:
    if name.lower().startswith("city of london"):
        return "City of London"  # "London" alone is the whole capital, 33 councils
    low = name.lower()
    for prefix in _PREFIXES:
        if low.startswith(prefix):
            name, low = name[len(prefix):], low[len(prefix):]
            break
    for suffix in _SUFFIXES:
        if low.endswith(" " + suffix):
            return name[: -len(suffix) - 1].strip(" ,")
    return name


def _parse() -> tuple[Council, ...]:
    councils = []
    for kind, block in _TABLE.items():
        for line in filter(None, (raw.strip() for raw in block.splitlines())):
            official, _, rest = line.partition("|")
            official = official.strip()
            others = [n.strip() for n in rest.split(";") if n.strip()]
            names = [official, *others, _short_form(official)]
            councils.append(Council(official, kind, tuple(dict.fromkeys(names))))
    return tuple(councils)


COUNCILS: tuple[Council, ...] = _parse()


def normalise(name: str) -> str:
    """Names compared loosely: case, "&" for "and", full stops, apostrophes and spacing."""
    name = name.lower().replace("&", " and ").replace("’", "'").replace(".", " ")
    return re.sub(r"\s+", " ", name.replace("-", " ")).strip(" ,'")


@lru_cache(maxsize=1)
def _by_name() -> dict[str, Council]:
    table: dict[str, Council] = {}
    for council in COUNCILS:
        for name in council.names:
            table.setdefault(normalise(name), council)
    return table


def council_named(name: str) -> Council | None:
    """The council a name means, official or short ("County Durham", "Hull", "LB Camden" is not one)."""
    key = normalise(name)
    found = _by_name().get(key)
    if found is None:
        short = normalise(_short_form(name))  # "Kingsmere City Council" -> no; "Leeds Council" -> Leeds
        found = _by_name().get(short)
    return found


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    names = sorted({n for c in COUNCILS for n in c.names}, key=len, reverse=True)
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
    return re.compile(rf"(?<![\w&-])({alternatives})(?:'s|’s|')?(?![\w&-])", re.IGNORECASE)


_PLACING = re.compile(r"\b(in|at|for|from|of|by|with|and|versus|vs|than|about)\s+(the\s+)?$", re.IGNORECASE)


def councils_in(text: str) -> list[tuple[Council, str]]:
    """The councils a text names, in order of mention, each with the words that named it.

    A name is taken when it is written as a name: a capital letter, and for names that are also
    everyday words ("Reading", "Bury") a placing word before them or "Council" after them.
    """
    found: list[tuple[Council, str]] = []
    for m in _pattern().finditer(text):
        said = m.group(1)
        if not said[0].isupper():
            continue
        if said.lower() in EVERYDAY_WORDS:
            after = text[m.end():m.end() + 12].lower()
            if not (_PLACING.search(text[: m.start()]) or after.lstrip().startswith(("council", "borough"))):
                continue
        council = council_named(said)
        if council is not None and all(council is not c for c, _ in found):
            found.append((council, said))
    return found


def short_name(name: str) -> str:
    """The short form of any council's name, listed or not ("Northbridge" for "Northbridge County
    Council", "Camden" for "London Borough of Camden")."""
    return _short_form(name)
