\set n random(1, :ncams)
\set p (:n - 1) % :nprod + 1
\set u random(1, 8)
BEGIN;
SELECT version FROM cameras WHERE id = md5('cam' || :n)::uuid FOR UPDATE;
DELETE FROM undo_steps WHERE production_id = md5('prod' || :p)::uuid AND user_id = 'u' || :u AND undone;
WITH c AS (UPDATE cameras SET note = 'pgbench ' || :n, version = version + 1, updated_at = now() WHERE id = md5('cam' || :n)::uuid RETURNING *), s AS (UPDATE productions SET seq = seq + 1 WHERE id = md5('prod' || :p)::uuid RETURNING id, seq), l AS (INSERT INTO change_log (production_id, seq, entity_type, entity_id, action, entity_version, user_id, created_at, changed_fields, diff, data) SELECT md5('prod' || :p)::uuid, s.seq, 'camera', c.id, 'updated', c.version, 'pgbench', now(), ARRAY['note'], jsonb_build_object('note', jsonb_build_object('old', 'x', 'new', c.note)), to_jsonb(c) FROM s, c RETURNING seq),
u AS (INSERT INTO undo_steps (production_id, user_id, step, first_seq, last_seq) SELECT s.id, 'u' || :u, gen_random_uuid(), s.seq, s.seq FROM s ON CONFLICT (step) DO UPDATE SET last_seq = EXCLUDED.last_seq) SELECT seq FROM l;
COMMIT;
