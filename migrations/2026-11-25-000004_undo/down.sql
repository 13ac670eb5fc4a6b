DROP TABLE undo_steps;
ALTER TABLE change_log DROP COLUMN cause;
