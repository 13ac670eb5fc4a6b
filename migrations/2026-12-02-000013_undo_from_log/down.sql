DROP INDEX undo_steps_step_key;
CREATE UNIQUE INDEX undo_steps_step_key ON undo_steps (step);
ALTER TABLE undo_steps DROP COLUMN undone_at;
ALTER TABLE undo_steps DROP COLUMN step_seq;
ALTER TABLE undo_steps ALTER COLUMN step DROP NOT NULL;
ALTER TABLE change_log DROP COLUMN step;
