-- Numbers beyond ±1e300 inside JSONB columns, stored before the server refused them
-- (domain::json): PostgreSQL gives 1.7976931348623157e308 back as 309 digits, which older
-- builds could not parse, so every read of the row, its production's snapshot and the
-- production list failed. Such a number was never a value the API promised to keep; it
-- becomes null, as the API now shows any value it cannot read.

-- The value with every number beyond ±1e300 replaced by null, at any depth.
CREATE FUNCTION prodsync_json_in_range(v jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
    CASE jsonb_typeof(v)
        WHEN 'number' THEN
            RETURN CASE WHEN abs(v::numeric) > 1e300 THEN 'null'::jsonb ELSE v END;
        WHEN 'array' THEN
            RETURN (SELECT coalesce(jsonb_agg(prodsync_json_in_range(e) ORDER BY i), '[]'::jsonb)
                    FROM jsonb_array_elements(v) WITH ORDINALITY AS a(e, i));
        WHEN 'object' THEN
            RETURN (SELECT coalesce(jsonb_object_agg(k, prodsync_json_in_range(e)), '{}'::jsonb)
                    FROM jsonb_each(v) AS o(k, e));
        ELSE
            RETURN v;
    END CASE;
END $$;

-- Repairs every JSONB column of every table in this schema; returns the rows changed.
-- Only rows holding such a number are rewritten (found by a jsonpath scan).
CREATE FUNCTION prodsync_repair_json_numbers() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    col record;
    changed bigint;
    total bigint := 0;
BEGIN
    FOR col IN
        SELECT c.table_name, c.column_name
        FROM information_schema.columns c
        JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = current_schema() AND c.data_type = 'jsonb' AND t.table_type = 'BASE TABLE'
        ORDER BY 1, 2
    LOOP
        EXECUTE format(
            'UPDATE %I SET %I = prodsync_json_in_range(%I) '
            'WHERE jsonb_path_exists(%I, ''strict $.** ? (@.type() == "number" && (@ > 1e300 || @ < -1e300))'')',
            col.table_name, col.column_name, col.column_name, col.column_name);
        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed > 0 THEN
            RAISE WARNING 'prodsync: % row(s) of %.% held numbers beyond ±1e300, now null',
                changed, col.table_name, col.column_name;
        END IF;
        total := total + changed;
    END LOOP;
    RETURN total;
END $$;

SELECT prodsync_repair_json_numbers();
