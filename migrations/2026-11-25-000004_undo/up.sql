-- Why a change happened, when it is not a plain write: 'undo' or 'redo'.
ALTER TABLE change_log ADD COLUMN cause TEXT;
-- Each user's undo history per production: one row per request that wrote (its events are
-- first_seq..last_seq). An undone step remembers the seqs its undo wrote (what a redo
-- reverses). A new write of the user deletes their undone steps (the redo list).
CREATE TABLE undo_steps (
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  id BIGSERIAL,
  first_seq BIGINT NOT NULL,
  last_seq BIGINT NOT NULL,
  undone BOOLEAN NOT NULL DEFAULT false,
  undo_first BIGINT,
  undo_last BIGINT,
  PRIMARY KEY (production_id, user_id, id)
);
