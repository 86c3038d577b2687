"""The audit log is append-only in the database too (PostgreSQL only).

A row-level trigger refuses every UPDATE and DELETE on the audit table, whoever sends it: the
ORM, raw SQL, a database console. SQLite has no such guard here; there the model and its queryset
refuse (accounts/audit.py). TRUNCATE is not covered on purpose: it needs the table owner, and
test runs and `manage.py flush` empty tables with it.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "accounts_auditevent"
FUNCTION = "schoolbrug_audit_event_append_only"
TRIGGER = "audit_event_append_only"

CREATE = [
    f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only: % on % is refused.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$
""",
    f"""
CREATE TRIGGER {TRIGGER}
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()
""",
]

DROP = [
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {FUNCTION}()",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: list[str]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in statements:
        # No parameters: the "%" in RAISE is PL/pgSQL's placeholder, not the driver's.
        schema_editor.execute(statement, params=None)


def create_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, CREATE)


def drop_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_account_session"),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger, elidable=False),
    ]
