"""The report catalog now lives in the database (`database.catalog`, `database.measures`), beside
people's conversations, in SQLite by default or a team's PostgreSQL. Named here for the callers
that know it by its old place."""

from database.catalog import (  # noqa: F401
    SCHEMA_VERSION, Catalog, chunk_from_json, chunk_to_json, pack_vectors, page_from_json, page_to_json, unpack_vectors,
)
