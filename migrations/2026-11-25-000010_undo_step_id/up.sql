-- An undo step is now recorded by the change-log append itself (one statement fewer while
-- the production's counter row is locked): each undoable request gets a step id, the
-- first append of the request inserts the step and the later ones extend its last seq.
ALTER TABLE undo_steps ADD COLUMN step UUID;
CREATE UNIQUE INDEX undo_steps_step_key ON undo_steps (step);
