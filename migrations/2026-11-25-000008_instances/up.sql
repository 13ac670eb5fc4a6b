-- The running instances, each refreshing its row every few seconds. A write sends its
-- cross-instance NOTIFY only while another instance is alive: NOTIFY serialises commits
-- on PostgreSQL's notification queue, a cost a single instance need not pay.
CREATE TABLE instances (
  id UUID PRIMARY KEY,
  seen TIMESTAMPTZ NOT NULL DEFAULT now()
);
