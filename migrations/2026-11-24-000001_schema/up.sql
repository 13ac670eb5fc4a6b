-- The production is the root: every entity row and every change-log row cascades from it.
-- `seq` is the production's change counter: bumped in the same transaction as each change,
-- so seqs are gapless and in commit order (the row lock serialises the bump).
-- `log_floor` is the highest seq pruned from the change log (retention).
CREATE TABLE productions (
  id UUID PRIMARY KEY,
  show_name TEXT NOT NULL,
  client TEXT NOT NULL,
  venue TEXT,
  room TEXT,
  load_in TIMESTAMPTZ,
  load_out TIMESTAMPTZ,
  show_date DATE,
  show_info_url TEXT,
  status TEXT CHECK (status IN ('planning', 'ready', 'active', 'completed', 'archived')),
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  seq BIGINT NOT NULL DEFAULT 0,
  log_floor BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE change_log (
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id UUID NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('created', 'updated', 'deleted')),
  -- the entity's version after this change (its last version, for a delete)
  entity_version BIGINT NOT NULL,
  user_id TEXT,
  created_at TIMESTAMPTZ NOT NULL,
  changed_fields TEXT[] NOT NULL,
  -- {"field": {"old": ..., "new": ...}}: the activity feed and the stale-echo rule read it
  diff JSONB NOT NULL,
  -- the full entity after the change, camelCase, exactly as the event carries it
  data JSONB NOT NULL,
  PRIMARY KEY (production_id, seq)
);
-- The stale-echo rule reads an entity's changes after a version.
CREATE INDEX change_log_entity_idx ON change_log (entity_id, entity_version);

CREATE TABLE checklist_items (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  completed BOOLEAN,
  completed_at TIMESTAMPTZ,
  category TEXT,
  assigned_to TEXT,
  due_date DATE,
  days_before_show INTEGER,
  sort_order INTEGER,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- target of same-production references from other tables
  UNIQUE (production_id, id)
);

CREATE TABLE cameras (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  model TEXT,
  format_mode TEXT,
  lens_type TEXT,
  max_zoom DOUBLE PRECISION,
  shooting_distance DOUBLE PRECISION,
  has_tripod BOOLEAN,
  has_short_tripod BOOLEAN,
  has_dolly BOOLEAN,
  has_jib BOOLEAN,
  ccu_id UUID,
  smpte_cable_length DOUBLE PRECISION,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- target of same-production references from other tables
  UNIQUE (production_id, id)
);

CREATE TABLE ccus (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  manufacturer TEXT,
  model TEXT,
  format_mode TEXT,
  fiber_input TEXT,
  reference_input TEXT,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- target of same-production references from other tables
  UNIQUE (production_id, id)
);

CREATE TABLE sources (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  h_res INTEGER,
  v_res INTEGER,
  rate DOUBLE PRECISION,
  standard TEXT,
  secondary_device TEXT,
  blanking TEXT,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- target of same-production references from other tables
  UNIQUE (production_id, id)
);

CREATE TABLE sends (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  h_res INTEGER,
  v_res INTEGER,
  rate DOUBLE PRECISION,
  standard TEXT,
  secondary_device TEXT,
  output TEXT,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- target of same-production references from other tables
  UNIQUE (production_id, id)
);

CREATE TABLE connections (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  source_id UUID,
  destination_type TEXT NOT NULL,
  destination_id UUID,
  intermediate_type TEXT,
  intermediate_id UUID,
  signal_path JSONB,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- target of same-production references from other tables
  UNIQUE (production_id, id)
);

CREATE TABLE cable_snakes (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  manufacturer TEXT,
  model TEXT,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- target of same-production references from other tables
  UNIQUE (production_id, id)
);

CREATE TABLE switchers (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT CHECK (kind IN ('camera', 'vision')),
  manufacturer TEXT,
  model TEXT,
  inputs INTEGER,
  outputs INTEGER,
  mes INTEGER,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- target of same-production references from other tables
  UNIQUE (production_id, id)
);

CREATE TABLE led_screens (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  manufacturer TEXT,
  model TEXT,
  h_res INTEGER,
  v_res INTEGER,
  rate DOUBLE PRECISION,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- target of same-production references from other tables
  UNIQUE (production_id, id)
);

CREATE TABLE media_servers (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  manufacturer TEXT,
  model TEXT,
  outputs INTEGER,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- target of same-production references from other tables
  UNIQUE (production_id, id)
);

CREATE TABLE projection_screens (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  manufacturer TEXT,
  model TEXT,
  h_res INTEGER,
  v_res INTEGER,
  rate DOUBLE PRECISION,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- target of same-production references from other tables
  UNIQUE (production_id, id)
);

CREATE TABLE records (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  manufacturer TEXT,
  model TEXT,
  format TEXT,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- target of same-production references from other tables
  UNIQUE (production_id, id)
);

CREATE TABLE routers (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  manufacturer TEXT,
  model TEXT,
  inputs INTEGER,
  outputs INTEGER,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- target of same-production references from other tables
  UNIQUE (production_id, id)
);

CREATE TABLE streams (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  platform TEXT,
  url TEXT,
  stream_key TEXT,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- target of same-production references from other tables
  UNIQUE (production_id, id)
);

-- References stay inside one production: the composite key makes a reference to another
-- production's entity a foreign-key violation (reported as 422 invalid_reference).
ALTER TABLE cameras ADD CONSTRAINT cameras_ccu_id_fkey
  FOREIGN KEY (production_id, ccu_id) REFERENCES ccus (production_id, id) ON DELETE SET NULL (ccu_id);
CREATE INDEX cameras_ccu_id_idx ON cameras (ccu_id) WHERE ccu_id IS NOT NULL;
ALTER TABLE connections ADD CONSTRAINT connections_source_id_fkey
  FOREIGN KEY (production_id, source_id) REFERENCES sources (production_id, id) ON DELETE SET NULL (source_id);
CREATE INDEX connections_source_id_idx ON connections (source_id) WHERE source_id IS NOT NULL;

-- The global equipment library (not per production, no change stream).
CREATE TABLE equipment (
  id UUID PRIMARY KEY,
  manufacturer TEXT NOT NULL,
  model TEXT NOT NULL,
  category TEXT NOT NULL,
  inputs JSONB,
  outputs JSONB,
  notes TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (manufacturer, model)
);
CREATE INDEX equipment_category_idx ON equipment (category);
