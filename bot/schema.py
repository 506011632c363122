"""Whether a database has had every step of the schema (migrations.py), told without
sqlite-utils: nearly every start finds it has, and need not import sqlite-utils for that.

A database whose record cannot be read this way (a new file, a record sqlite-utils keeps
otherwise in a later version) is not called current: migrations.py looks at it then.
"""

from __future__ import annotations

import sqlite3

# Each step's name, as migrations.py names it (tests/unit/test_migrations.py checks).
STEPS = (
    "m001_initial",
    "m002_phrasing_keys",
    "m003_documents",
    "m004_fact_documents",
    "m005_draft_reviews",
    "m006_fact_ids_per_guild",
    "m007_document_ids_per_guild",
    "m008_signing_key",
)
MIGRATION_SET = "factbot"


def is_current(connection: sqlite3.Connection) -> bool:
    """Whether every step is recorded as applied; False when that cannot be told."""
    try:
        rows = connection.execute(
            "select name from _sqlite_migrations where migration_set = ?", [MIGRATION_SET]
        ).fetchall()
    except sqlite3.Error:
        return False
    return {row[0] for row in rows} >= set(STEPS)
