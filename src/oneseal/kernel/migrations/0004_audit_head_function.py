"""PostgreSQL: one round trip to take the audit chain's lock and read its head (see kernel/audit.py)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION oneseal_audit_head(lock_key bigint)
RETURNS TABLE (head_seq bigint, head_hash varchar) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    -- A VOLATILE function takes a new snapshot for each statement under READ COMMITTED, so the
    -- read below sees the entry of a transaction that held the lock and committed while we waited.
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN QUERY SELECT e.seq, e.hash FROM kernel_auditentry e ORDER BY e.seq DESC LIMIT 1;
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS oneseal_audit_head(bigint);"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("kernel", "0003_domain_events")]
    operations = [migrations.RunPython(forwards, backwards)]
