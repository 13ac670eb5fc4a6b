DROP FUNCTION prodsync_repair_json_numbers();
DROP FUNCTION prodsync_json_in_range(jsonb);
