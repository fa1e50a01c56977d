"""The data-access layer for shared state: one database behind one API.

What a team shares besides the vectors lives here: the library's catalog and measure records
(`catalog`, `measures`), people's conversations, their feedback, the audit log of changes to the
library and the uploaded report files. SQLite beside the store folder by default (embedded, nothing to run);
PostgreSQL when `CQC_DATABASE_URL` names one, so every app machine pointed at it shares the same
state at once. The database's own transactions keep it consistent; `Database.writer_lock` is the
database's own lock for one library writer at a time (a PostgreSQL advisory lock).

SQLAlchemy Core, not an ORM and not raw driver SQL: one table definition and one query builder
run on both SQLite and PostgreSQL, each repository's SQL sits in its own module, and rows come
back as frozen dataclasses. Imports only `config` and `cqc` (the catalog's rows are its models).
"""

from database.errors import DatabaseError
from database.people import LOCAL, Action, NotAllowed, Person, Role
from database.store import Database

__all__ = ["Action", "Database", "DatabaseError", "LOCAL", "NotAllowed", "Person", "Role"]
