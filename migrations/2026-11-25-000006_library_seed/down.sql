DELETE FROM formats WHERE is_system;
DELETE FROM equipment WHERE display_id IS NOT NULL;
