"""PostgreSQL: append an audit entry in one round trip — the chain's lock, its head, the new entry's hash and
the insert in one function call (see kernel/audit.py). The caller sends the canonical JSON of the entry cut
around the two values only the chain knows (`prev` and `seq`), so the hash is the one `entry_hash` computes."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION oneseal_audit_append(
    lock_key bigint, p_at timestamptz, p_actor_id integer, p_actor_label varchar, p_action varchar,
    p_target_type varchar, p_target_id varchar, p_data jsonb, p_before text, p_after text, p_genesis varchar)
RETURNS TABLE (new_id bigint, new_seq bigint, new_prev varchar, new_hash varchar) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    last_seq bigint;
    last_hash varchar;
    digest varchar;
    row_id bigint;
BEGIN
    -- As oneseal_audit_head: the lock, then the head read with a fresh snapshot.
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT e.seq, e.hash INTO last_seq, last_hash FROM kernel_auditentry e ORDER BY e.seq DESC LIMIT 1;
    last_seq := COALESCE(last_seq, 0) + 1;
    last_hash := COALESCE(last_hash, p_genesis);
    digest := encode(sha256(convert_to(
        p_before || '"prev":"' || last_hash || '","seq":' || last_seq::text || ',' || p_after, 'UTF8')), 'hex');
    INSERT INTO kernel_auditentry (seq, at, actor_id, actor_label, action, target_type, target_id, data,
                                   prev_hash, hash)
    VALUES (last_seq, p_at, p_actor_id, p_actor_label, p_action, p_target_type, p_target_id, p_data,
            last_hash, digest)
    RETURNING id INTO row_id;
    RETURN QUERY SELECT row_id, last_seq, last_hash, digest;
END
$$;
"""
DROP = ("DROP FUNCTION IF EXISTS oneseal_audit_append(bigint, timestamptz, integer, varchar, varchar, varchar, "
        "varchar, jsonb, text, text, varchar);")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("kernel", "0005_delivery_due_index_with_id")]
    operations = [migrations.RunPython(forwards, backwards)]
