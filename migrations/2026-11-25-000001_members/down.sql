DROP INDEX productions_created_idx;
DROP TABLE production_members;
