DROP INDEX undo_steps_step_key;
ALTER TABLE undo_steps DROP COLUMN step;
