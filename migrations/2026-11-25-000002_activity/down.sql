CREATE INDEX change_log_entity_idx ON change_log (entity_id, entity_version);
DROP INDEX change_log_user_seq_idx;
DROP INDEX change_log_type_seq_idx;
DROP INDEX change_log_entity_seq_idx;
ALTER TABLE change_log DROP COLUMN user_name;
