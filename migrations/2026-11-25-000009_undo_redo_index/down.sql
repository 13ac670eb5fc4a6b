DROP INDEX undo_steps_undone_idx;
