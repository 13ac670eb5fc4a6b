-- Idempotency-Key receipts: the first answer to a write, kept with its key (per user) in
-- the same transaction as the write, so a retry is answered from here and never applied
-- twice. `fingerprint` is a digest of method, path and body. Kept at least 24 hours.
CREATE TABLE idempotency_keys (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status SMALLINT NOT NULL,
  response JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
