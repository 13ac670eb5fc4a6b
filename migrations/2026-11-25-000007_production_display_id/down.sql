ALTER TABLE productions DROP COLUMN display_id;
