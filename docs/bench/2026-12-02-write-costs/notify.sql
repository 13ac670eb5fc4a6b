\set n random(1, :ncams)
\set p (:n - 1) % :nprod + 1
BEGIN;
SELECT version FROM cameras WHERE id = md5('cam' || :n)::uuid FOR UPDATE;
WITH c AS (UPDATE cameras SET note = 'pgbench ' || :n, version = version + 1, updated_at = now() WHERE id = md5('cam' || :n)::uuid RETURNING *), s AS (UPDATE productions SET seq = seq + 1 WHERE id = md5('prod' || :p)::uuid RETURNING seq) INSERT INTO change_log (production_id, seq, entity_type, entity_id, action, entity_version, user_id, created_at, changed_fields, diff, data) SELECT md5('prod' || :p)::uuid, s.seq, 'camera', c.id, 'updated', c.version, 'pgbench', now(), ARRAY['note'], jsonb_build_object('note', jsonb_build_object('old', 'x', 'new', c.note)), to_jsonb(c) FROM s, c;
SELECT pg_notify('prodsync_changes', '{"p":"' || md5('prod' || :p) || '","s":1}');
COMMIT;
