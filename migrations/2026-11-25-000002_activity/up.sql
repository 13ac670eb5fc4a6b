-- The activity feed names who made each change.
ALTER TABLE change_log ADD COLUMN user_name TEXT;
-- The feed pages newest first by seq within a production, optionally for one entity, one
-- type or one user; each filter has its index so a page stays a short index range however
-- long the log. The entity index also serves the stale-echo history (it replaces
-- change_log_entity_idx: an entity's versions grow with its seqs).
CREATE INDEX change_log_entity_seq_idx ON change_log (production_id, entity_id, seq);
CREATE INDEX change_log_type_seq_idx ON change_log (production_id, entity_type, seq);
CREATE INDEX change_log_user_seq_idx ON change_log (production_id, user_id, seq);
DROP INDEX change_log_entity_idx;
