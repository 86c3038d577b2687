"""The audit log is append-only in the database too (PostgreSQL only); one more event kind.

A row-level trigger refuses every UPDATE and DELETE on the audit table, whoever sends it: the
ORM, raw SQL, a database console. SQLite has no such guard here; there the model and its queryset
refuse (accounts/audit.py). TRUNCATE is not covered on purpose: it needs the table owner, and
test runs and `manage.py flush` empty tables with it.
"""

from django.db import migrations, models
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
        # A school withdrawing a guardian's access without deactivating his shared account.
        migrations.AlterField(
            model_name='auditevent',
            name='kind',
            field=models.CharField(choices=[('login_succeeded', 'login succeeded'), ('login_failed', 'login failed'), ('login_locked_out', 'login locked out'), ('logout', 'logout'), ('invitation_sent', 'invitation sent'), ('account_activated', 'account activated'), ('account_deactivated', 'account deactivated'), ('access_withdrawn', 'access withdrawn at this school'), ('password_reset_requested', 'password reset requested'), ('password_reset_done', 'password reset'), ('username_reminder', 'username reminder sent'), ('two_factor_enabled', 'two-factor authentication enabled'), ('two_factor_disabled', 'two-factor authentication disabled'), ('two_factor_failed', 'two-factor code refused'), ('setting_changed', 'setting changed'), ('record_changed', 'record changed'), ('medical_viewed', 'medical data viewed'), ('contact_viewed', 'contact data viewed'), ('exported', 'data exported'), ('impersonation', 'logged in as guardian')], max_length=40, verbose_name='event'),
        ),
    ]
