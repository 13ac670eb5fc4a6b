-- Who may do what in each production (enforced in `jwt` mode; see docs/security.md).
-- `id` keys the membership in the change log, which keys entities by UUID.
CREATE TABLE production_members (
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  id UUID NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'owner')),
  added_by TEXT,
  added_at TIMESTAMPTZ NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  PRIMARY KEY (production_id, user_id)
);
-- "My productions": the production list and the list room read memberships by user.
CREATE INDEX production_members_user_idx ON production_members (user_id, production_id);
-- The production list pages in (created_at, id) order.
CREATE INDEX productions_created_idx ON productions (created_at, id);
