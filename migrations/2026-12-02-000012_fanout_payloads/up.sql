-- Settings announcements too large for a NOTIFY payload (8,000 bytes: a lookup list of
-- hundreds of values, a setting of up to 64 KB) travel by reference over PostgreSQL's
-- fan-out: the sender keeps the text here and notifies its id, the other instances read
-- it. Each sender deletes rows older than five minutes; NATS carries them whole.
CREATE TABLE fanout_payloads (
  id BIGSERIAL PRIMARY KEY,
  body TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
