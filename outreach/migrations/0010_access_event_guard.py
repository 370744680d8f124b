"""The access log is append-only below the application too.

PostgreSQL refuses every UPDATE of an access event, and every DELETE unless the transaction has set
``outreach.purging`` (``SET LOCAL outreach.purging = 'on'``), which only the retention purge does.
SQLite refuses UPDATE; it has no session variables, and a DELETE guard there would also refuse the
test runner's flush, so SQLite (the embedded development default) guards DELETE in the ORM only
(ADR 0013).
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    """
CREATE OR REPLACE FUNCTION outreach_access_event_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('outreach.purging', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'Access events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER outreach_access_event_append_only
    BEFORE UPDATE OR DELETE ON outreach_accessevent
    FOR EACH ROW EXECUTE FUNCTION outreach_access_event_guard()
""",
]

POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS outreach_access_event_append_only ON outreach_accessevent",
    "DROP FUNCTION IF EXISTS outreach_access_event_guard()",
]

SQLITE_FORWARD = [
    """
CREATE TRIGGER outreach_access_event_no_update
    BEFORE UPDATE ON outreach_accessevent
BEGIN
    SELECT RAISE(ABORT, 'Access events are append-only: UPDATE refused');
END
"""
]

SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS outreach_access_event_no_update"]

SQL = {
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
}


def _run(schema_editor, direction: int) -> None:
    statements = SQL.get(schema_editor.connection.vendor)
    if statements is None:
        return
    for statement in statements[direction]:
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, 0)


def backward(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("outreach", "0009_vaccinations")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
