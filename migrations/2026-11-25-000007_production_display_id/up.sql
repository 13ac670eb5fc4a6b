-- A production's human label: the original app's id (`prod_<ms>_<random>`), which its
-- clients use in URLs; unique across productions.
ALTER TABLE productions ADD COLUMN display_id TEXT;
CREATE UNIQUE INDEX productions_display_id_key ON productions (display_id);
