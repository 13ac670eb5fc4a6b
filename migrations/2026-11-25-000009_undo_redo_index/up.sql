-- Every write of a user clears their redo list (their undone steps) while it holds the
-- production's counter row. Through the primary key that meant reading every step the
-- user ever took in the production; the undone ones are few, so index just those.
CREATE INDEX undo_steps_undone_idx ON undo_steps (production_id, user_id) WHERE undone;
