"""The councils in England with adult social care duties, and every name staff call them by.

Adult social care is the duty of the upper tier: county councils, unitary authorities,
metropolitan boroughs, the London boroughs, the City of London and the Isles of Scilly (153
councils since the 2023 reorganisations in Cumbria, North Yorkshire and Somerset). District
councils have none, so a question about a district is about its county.

The list is written from public knowledge of English local government and checked against how
the regulator's published pages name councils (titles such as "Hammersmith and Fulham: local
authority assessment", "Royal Borough of Windsor & Maidenhead: ...", "Bath and North East
Somerset Council: ..."; About pages writing "Hammersmith & Fulham Council", "B&NES"). Each line is
"official name | other names | abbreviations": the usual short form (the name without "County
Council", "London Borough of" ...) is derived, "&" and "and" are the same word, and the
abbreviations are those councils and their staff write (LBHF, RBKC, B&NES ...), only where one
means one council ("SMBC" is Stockport, Solihull, Sandwell or Sefton, so it is not here).
Finding these names in text is `cqc.council_names`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("county", "metropolitan", "london", "unitary")

_TABLE = {
    "county": """
        Cambridgeshire County Council | Cambs
        Derbyshire County Council | Derbys
        Devon County Council
        East Sussex County Council | | ESCC
        Essex County Council
        Gloucestershire County Council | Glos
        Hampshire County Council | Hants
        Hertfordshire County Council | Herts
        Kent County Council | | KCC
        Lancashire County Council | Lancs
        Leicestershire County Council | Leics
        Lincolnshire County Council | Lincs
        Norfolk County Council
        Nottinghamshire County Council | Notts
        Oxfordshire County Council | Oxon | OCC
        Staffordshire County Council | Staffs
        Suffolk County Council
        Surrey County Council
        Warwickshire County Council | Warks
        West Sussex County Council | | WSCC
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
        St Helens Borough Council | St Helens Council; St Helens Metropolitan Borough Council
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
        City of Bradford Metropolitan District Council | Bradford Council; Bradford | CBMDC
        Calderdale Metropolitan Borough Council | Calderdale Council
        Kirklees Council | Kirklees Metropolitan Council
        Leeds City Council
        City of Wakefield Metropolitan District Council | Wakefield Council; Wakefield
    """,
    "london": """
        City of London Corporation | City of London; Corporation of London | CoLC
        London Borough of Barking and Dagenham | Barking and Dagenham Council | LBBD
        London Borough of Barnet | Barnet Council
        London Borough of Bexley | Bexley Council
        London Borough of Brent | Brent Council
        London Borough of Bromley | Bromley Council
        London Borough of Camden | Camden Council
        London Borough of Croydon | Croydon Council
        London Borough of Ealing | Ealing Council
        London Borough of Enfield | Enfield Council
        Royal Borough of Greenwich | Greenwich Council | RBG
        London Borough of Hackney | Hackney Council
        London Borough of Hammersmith and Fulham | Hammersmith and Fulham Council | LBHF, H&F
        London Borough of Haringey | Haringey Council
        London Borough of Harrow | Harrow Council
        London Borough of Havering | Havering Council
        London Borough of Hillingdon | Hillingdon Council
        London Borough of Hounslow | Hounslow Council
        London Borough of Islington | Islington Council
        Royal Borough of Kensington and Chelsea | Kensington and Chelsea Council | RBKC, K&C
        Royal Borough of Kingston upon Thames | Kingston Council; Kingston | RBK
        London Borough of Lambeth | Lambeth Council
        London Borough of Lewisham | Lewisham Council
        London Borough of Merton | Merton Council
        London Borough of Newham | Newham Council
        London Borough of Redbridge | Redbridge Council
        London Borough of Richmond upon Thames | Richmond upon Thames Council; Richmond Council; Richmond | LBRuT
        London Borough of Southwark | Southwark Council
        London Borough of Sutton | Sutton Council
        London Borough of Tower Hamlets | Tower Hamlets Council | LBTH
        London Borough of Waltham Forest | Waltham Forest Council | LBWF
        London Borough of Wandsworth | Wandsworth Council
        Westminster City Council | City of Westminster; Westminster
    """,
    "unitary": """
        Bath and North East Somerset Council | Bath; North East Somerset | B&NES, BANES, BaNES
        Bedford Borough Council
        Blackburn with Darwen Borough Council | Blackburn with Darwen Council; Blackburn | BwD
        Blackpool Council
        Bournemouth, Christchurch and Poole Council | Bournemouth; Poole | BCP
        Bracknell Forest Council | Bracknell
        Brighton and Hove City Council | Brighton and Hove Council; Brighton | BHCC, B&H
        Bristol City Council
        Buckinghamshire Council | Bucks
        Central Bedfordshire Council | Central Beds
        Cheshire East Council
        Cheshire West and Chester Council | Cheshire West | CWAC, CW&C
        Cornwall Council
        Cumberland Council
        Darlington Borough Council
        Derby City Council
        Dorset Council
        Durham County Council | County Durham; Durham Council; Co Durham
        East Riding of Yorkshire Council | East Riding | ERYC
        Halton Borough Council
        Hartlepool Borough Council
        Herefordshire Council | County of Herefordshire; Herefordshire County Council
        Isle of Wight Council | | IoW
        Council of the Isles of Scilly | Isles of Scilly Council; Scilly
        Kingston upon Hull City Council | Hull City Council; Hull
        Leicester City Council
        Luton Borough Council | Luton Council
        Medway Council
        Middlesbrough Council
        Milton Keynes City Council | Milton Keynes Council | MKC, MKCC
        North East Lincolnshire Council | North East Lincs; NE Lincolnshire; NE Lincs | NELC
        North Lincolnshire Council | North Lincs
        North Northamptonshire Council | North Northants | NNC
        North Somerset Council
        North Yorkshire Council | North Yorkshire County Council; North Yorks | NYCC
        Northumberland County Council
        Nottingham City Council
        Peterborough City Council
        Plymouth City Council
        Portsmouth City Council
        Reading Borough Council
        Redcar and Cleveland Borough Council | Redcar and Cleveland Council; Redcar | RCBC
        Rutland County Council
        Shropshire Council
        Slough Borough Council
        Somerset Council | Somerset County Council
        South Gloucestershire Council | South Glos
        Southampton City Council
        Southend-on-Sea City Council | Southend
        Stockton-on-Tees Borough Council | Stockton
        Stoke-on-Trent City Council | Stoke
        Swindon Borough Council
        Telford and Wrekin Council | Telford
        Thurrock Council
        Torbay Council
        Warrington Borough Council
        West Berkshire Council | West Berks
        West Northamptonshire Council | West Northants | WNC
        Westmorland and Furness Council | | W&F
        Wiltshire Council | Wilts
        Royal Borough of Windsor and Maidenhead | Windsor and Maidenhead Council | RBWM
        Wokingham Borough Council
        City of York Council | York Council | CYC
    """,
}

# The short form is what is left of the official name without these.
SUFFIXES = (
    "metropolitan borough council", "metropolitan district council", "metropolitan council",
    "borough council", "county council", "city council", "district council", "corporation", "council",
)
PREFIXES = ("london borough of ", "royal borough of ", "metropolitan borough of ", "council of the ", "city of ")

# Short forms that are also everyday words ("reading the report", "bury", "bath", "stoke", "the
# hull of", a "derby", "wilts", "central beds"): written in lower case they are the words, never
# the council.
LOWER_CASE_WORDS = frozenset({
    "reading", "bury", "bath", "stoke", "hull", "derby", "brent", "harrow", "slough", "hackney", "surrey",
    "bucks", "staffs", "wilts", "central beds",
})
# Of those, the ones a capital does not settle either (the first word of a sentence, a first name,
# "Bath Spa", "Bury St Edmunds"): a council only beside "Council", after a word that places them
# ("in Reading", "at Bury"), before "'s", or listed beside another council.
EVERYDAY_WORDS = frozenset({"reading", "bury", "bath", "stoke", "kingston", "richmond", "sutton", "brent", "derby"})


@dataclass(frozen=True)
class Council:
    name: str  # the official name, e.g. "Durham County Council"
    kind: str  # one of KINDS
    names: tuple[str, ...]  # every name it goes by, the official one first, abbreviations last
    abbreviations: tuple[str, ...] = ()  # as written: "LBHF", "B&NES" (also in names)

    @property
    def short(self) -> str:
        """The form people use in conversation: "Durham", "Camden", "Isles of Scilly"."""
        return short_form(self.name)


def short_form(name: str) -> str:
    """A name without its "London Borough of", "County Council" ...; the name itself when it has none."""
    if name.lower().startswith("city of london"):
        return "City of London"  # "London" alone is the whole capital, 33 councils
    low = name.lower()
    for prefix in PREFIXES:
        if low.startswith(prefix):
            name, low = name[len(prefix):], low[len(prefix):]
            break
    for suffix in SUFFIXES:
        if low.endswith(" " + suffix):
            return name[: -len(suffix) - 1].strip(" ,")
    return name


def _parse() -> tuple[Council, ...]:
    councils = []
    for kind, block in _TABLE.items():
        for line in filter(None, (raw.strip() for raw in block.splitlines())):
            official, others, abbreviations = (line.split("|") + ["", ""])[:3]
            official = official.strip()
            names = [official, *(n.strip() for n in others.split(";") if n.strip()), short_form(official)]
            names += [n.replace(" and ", " & ") for n in names if " and " in n]  # "Hammersmith & Fulham"
            abbrs = tuple(a.strip() for a in abbreviations.split(",") if a.strip())
            councils.append(Council(official, kind, tuple(dict.fromkeys(names + list(abbrs))), abbrs))
    return tuple(councils)


COUNCILS: tuple[Council, ...] = _parse()


def normalise(name: str) -> str:
    """Names compared loosely: case, "&" for "and", full stops, commas, hyphens, apostrophes and spacing."""
    name = name.lower().replace("&", " and ").replace("’", "'").replace(".", " ").replace(",", " ")
    return re.sub(r"\s+", " ", name.replace("-", " ")).strip(" '")


def name_forms(council: Council) -> list[str]:
    """The ways a member of staff may write a council's name in words: each listed name, with
    "&" for "and" and "and" for "&", the short form with and without "Council", and the kind's
    usual framing of it ("Durham County Council", "LB Camden", "Bury Metropolitan Borough
    Council", "City of Leeds")."""
    short = council.short
    framed = {
        "county": [f"{short} County Council"],
        "metropolitan": [f"{short} Metropolitan Borough Council"],
        "london": [f"LB {short}"] if council.name.startswith("London Borough of ") else [],
        "unitary": [],
    }[council.kind]
    if council.name.lower().startswith("city of ") or " city council" in council.name.lower():
        framed.append(f"City of {short}")
    forms = [n for n in council.names if n not in council.abbreviations] + [f"{short} Council", *framed]
    with_amp = [f.replace(" and ", " & ") for f in forms if " and " in f]
    with_and = [f.replace(" & ", " and ") for f in forms if " & " in f]
    return list(dict.fromkeys(forms + with_amp + with_and))
