#!/bin/bash
# What each statement the write path gained since 2026-11-25 costs, at the SQL level:
# pgbench, 8 clients, 10 s per script, one hot production with 8 cameras, on a database
# migrated with this repository's migrations/ (psql -f each up.sql in order), plus
#   CREATE TABLE production_seqs (production_id uuid PRIMARY KEY REFERENCES productions
#     ON DELETE CASCADE, seq bigint NOT NULL DEFAULT 0);   -- for narrow.sql only
# For notify.sql, keep an idle session LISTENing on prodsync_changes (not inside a long
# query: an open snapshot stops HOT pruning and slows every script).
# usage: DB=pgw ./run.sh 1 8 minimal.sql undo.sql ...   (productions, cameras, scripts)
db=${DB:-pgw}; np=$1; nc=$2; shift 2
for s in "$@"; do
  psql -h 127.0.0.1 -U postgres -d "$db" -q -v nprod="$np" -v ncams="$nc" -f fix.sql >/dev/null 2>&1
  psql -h 127.0.0.1 -U postgres -d "$db" -q -c "TRUNCATE undo_steps" \
    -c "INSERT INTO production_seqs SELECT id, 0 FROM productions" -c "VACUUM ANALYZE" >/dev/null
  r=$(pgbench -n -M prepared -c 8 -j 2 -T "${T:-10}" -D nprod="$np" -D ncams="$nc" -f "$s" \
    -h 127.0.0.1 -U postgres "$db" 2>&1 | grep -E "^tps" | awk '{print $3}')
  echo "$np prods $s: $r tps"
done
