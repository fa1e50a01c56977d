"""Who is acting, and what their role lets them do.

Every row a person writes carries their identity (`Person.id`, the identity provider's stable
subject), and every change to the library is checked here before it happens: the check sits
with the action (`Person.require`), not only in which buttons are shown.

Roles, lowest first; each may do what the ones below it may:
  reader  ask, compare, draft and export (conversations, plans, briefings)
  editor  also upload, remove and rebuild reports
  admin   also export everyone's feedback for review
A role comes from the identity token's role claim (`CQC_ROLE_CLAIM`, values reader/editor/admin)
or from the settings' lists of emails (`CQC_READERS`, `CQC_EDITORS`, `CQC_ADMINS`); the highest
one found counts. Someone signed in with neither has no role and is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum, IntEnum
from typing import Any

from config.settings import AccessSettings


class Role(IntEnum):
    READER = 1
    EDITOR = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class Action(Enum):
    """What a person may be allowed to do, with the lowest role that may do it."""

    ASK = ("ask, compare and draft", Role.READER)
    EXPORT = ("export", Role.READER)
    UPLOAD = ("upload reports", Role.EDITOR)
    REMOVE = ("remove reports", Role.EDITOR)
    REBUILD = ("rebuild the library", Role.EDITOR)
    EXPORT_FEEDBACK = ("export everyone's feedback", Role.ADMIN)

    def __init__(self, words: str, needs: Role):
        self.words = words
        self.needs = needs


class NotAllowed(PermissionError):
    """An action refused for the person's role; the message says who, what and which role it needs."""


@dataclass(frozen=True)
class Person:
    id: str  # the identity provider's subject (stable); "local" when sign-in is off
    name: str
    email: str
    role: Role | None  # None: signed in, but given no role here

    def may(self, action: Action) -> bool:
        return self.role is not None and self.role >= action.needs

    def require(self, action: Action) -> None:
        if not self.may(action):
            role = self.role.label if self.role else "no role"
            raise NotAllowed(f"{self.label} ({role}) may not {action.words}: that needs the "
                             f"{action.needs.label} role. Ask whoever runs this app to give it to you.")

    @property
    def label(self) -> str:
        """How a person is named on the page and in the audit log."""
        if self.name and self.email:
            return f"{self.name} <{self.email}>"
        return self.name or self.email or self.id


# One person on their own machine, sign-in off: they own the library and its history.
LOCAL = Person(id="local", name="Local user", email="", role=Role.ADMIN)


def operator(user: str) -> Person:
    """Someone running a command line on a machine of the deployment: shell access is the permission."""
    return Person(id=f"shell:{user}", name=f"{user} (command line)", email="", role=Role.ADMIN)


def _listed(email: str, entries: Iterable[str]) -> bool:
    for entry in entries:
        entry = entry.strip().lower()
        if entry == "*" or (email and (entry == email or (entry.startswith("@") and email.endswith(entry)))):
            return True
    return False


def _claimed_roles(value: Any) -> set[str]:
    if isinstance(value, str):
        values: Iterable[Any] = value.replace(",", " ").split()
    elif isinstance(value, (list, tuple, set)):
        values = value
    else:
        return set()
    return {str(v).strip().lower() for v in values}


def person_from_claims(claims: Mapping[str, Any], access: AccessSettings) -> Person:
    """The signed-in person and their role, from their identity token's claims."""
    email = str(claims.get("email") or "").strip().lower()
    # A list names people by email: an address the provider itself says is unverified names nobody.
    listed_email = "" if claims.get("email_verified") is False else email
    found: list[Role] = [r for r in Role if r.label in _claimed_roles(claims.get(access.role_claim))]
    for role, entries in ((Role.READER, access.readers), (Role.EDITOR, access.editors), (Role.ADMIN, access.admins)):
        if _listed(listed_email, [e for e in entries if e != "*" or role is Role.READER]):
            found.append(role)
    subject = str(claims.get("sub") or email)
    name = str(claims.get("name") or claims.get("preferred_username") or "").strip()
    return Person(id=subject, name=name, email=email, role=max(found) if found else None)
