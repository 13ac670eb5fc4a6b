-- Undo history derived from the change log. A step row per undoable write (an insert into
-- a table with three indexes and a foreign key, and a delete of the redo list) cost a
-- fifth of the database's CPU per write (docs/benchmarks.md, 2026-12-02 session 5). Now
-- each entry carries the step it belongs to, and undo_steps keeps only the steps an undo
-- touched: undone (with the production's seq when they were, `undone_at`), or redone
-- (`first_seq`..`last_seq` are then the redo's writes). A later step of the same user
-- makes the undone ones unredoable without deleting anything: a redo takes only steps
-- undone after the user's newest step.
ALTER TABLE change_log ADD COLUMN step UUID;
UPDATE undo_steps SET step = gen_random_uuid() WHERE step IS NULL;
UPDATE change_log c SET step = u.step FROM undo_steps u
  WHERE c.production_id = u.production_id AND c.seq BETWEEN u.first_seq AND u.last_seq;
DELETE FROM undo_steps WHERE NOT undone AND undo_first IS NULL;
ALTER TABLE undo_steps ALTER COLUMN step SET NOT NULL;
-- Where the step stands among its user's steps (the seq of its newest entry when first
-- undone): redo takes the oldest undone.
ALTER TABLE undo_steps ADD COLUMN step_seq BIGINT;
ALTER TABLE undo_steps ADD COLUMN undone_at BIGINT;
UPDATE undo_steps SET step_seq = last_seq, undone_at = coalesce(undo_last, last_seq);
ALTER TABLE undo_steps ALTER COLUMN step_seq SET NOT NULL;
ALTER TABLE undo_steps ALTER COLUMN undone_at SET NOT NULL;
-- A step is unique within its production (one request writes one step per production).
DROP INDEX undo_steps_step_key;
CREATE UNIQUE INDEX undo_steps_step_key ON undo_steps (step, production_id);
