-- The original app's whole data model (issue 13): more fields on every type, a display id
-- per entity, five new types, the format library, equipment-library depth, and settings.
-- Names follow docs/adding-an-entity-type.md: {table}_{column}_fkey for references (how a
-- violation names the field), {table}_{column}_key for unique indexes (how a duplicate
-- names the field).

ALTER TABLE productions ADD COLUMN source_types JSONB;

ALTER TABLE checklist_items
  ADD COLUMN display_id TEXT,
  ADD COLUMN more_info JSONB,
  ADD COLUMN completion_note JSONB,
  ADD COLUMN completion_date TIMESTAMPTZ,
  ADD COLUMN reference TEXT;
ALTER TABLE ccus
  ADD COLUMN display_id TEXT,
  ADD COLUMN outputs JSONB,
  ADD COLUMN sort_order INTEGER,
  ADD COLUMN equipment_id UUID;
ALTER TABLE cameras
  ADD COLUMN display_id TEXT,
  ADD COLUMN manufacturer TEXT,
  ADD COLUMN focal_length DOUBLE PRECISION,
  ADD COLUMN has_heavy_tripod BOOLEAN,
  ADD COLUMN has_medium_tripod BOOLEAN,
  ADD COLUMN has_steadicam BOOLEAN,
  ADD COLUMN has_magic_arm BOOLEAN,
  ADD COLUMN equipment_id UUID;
ALTER TABLE sources
  ADD COLUMN display_id TEXT,
  ADD COLUMN category TEXT,
  ADD COLUMN format_assignment_mode TEXT,
  ADD COLUMN primary_device_port TEXT,
  ADD COLUMN secondary_device_port TEXT,
  ADD COLUMN equipment_id UUID;
ALTER TABLE sends
  ADD COLUMN display_id TEXT,
  ADD COLUMN output_connector TEXT,
  ADD COLUMN equipment_id UUID;
ALTER TABLE connections
  ADD COLUMN display_id TEXT,
  ADD COLUMN source_output_id UUID,
  ADD COLUMN intermediate_input TEXT,
  ADD COLUMN intermediate_output TEXT;
ALTER TABLE cable_snakes
  ADD COLUMN display_id TEXT,
  ADD COLUMN equipment_id UUID;
ALTER TABLE switchers
  ADD COLUMN display_id TEXT,
  ADD COLUMN equipment_id UUID;
ALTER TABLE led_screens
  ADD COLUMN display_id TEXT,
  ADD COLUMN sort_order INTEGER,
  ADD COLUMN processor_id UUID,
  ADD COLUMN pos_ds_x_m DOUBLE PRECISION,
  ADD COLUMN pos_ds_y_m DOUBLE PRECISION,
  ADD COLUMN rotation_deg DOUBLE PRECISION,
  ADD COLUMN tile_grid JSONB,
  ADD COLUMN equipment_id UUID;
ALTER TABLE media_servers
  ADD COLUMN display_id TEXT,
  ADD COLUMN pair_number INTEGER,
  ADD COLUMN is_backup BOOLEAN,
  ADD COLUMN platform TEXT,
  ADD COLUMN computer_type TEXT,
  ADD COLUMN outputs_data JSONB,
  ADD COLUMN equipment_id UUID;
ALTER TABLE projection_screens
  ADD COLUMN display_id TEXT,
  ADD COLUMN equipment_id UUID;
ALTER TABLE records
  ADD COLUMN display_id TEXT,
  ADD COLUMN equipment_id UUID;
ALTER TABLE routers
  ADD COLUMN display_id TEXT,
  ADD COLUMN equipment_id UUID;
ALTER TABLE streams
  ADD COLUMN display_id TEXT,
  ADD COLUMN equipment_id UUID;

-- The equipment library, as deep as the original's: I/O architecture, cards, formats, specs.
ALTER TABLE equipment
  ADD COLUMN display_id TEXT,
  ADD COLUMN io_architecture TEXT CHECK (io_architecture IN ('direct', 'card-based')),
  ADD COLUMN card_slots INTEGER,
  ADD COLUMN cards JSONB,
  ADD COLUMN device_formats JSONB,
  ADD COLUMN format_by_io BOOLEAN,
  ADD COLUMN is_secondary_device BOOLEAN,
  ADD COLUMN specs JSONB,
  ADD COLUMN archived BOOLEAN;
CREATE UNIQUE INDEX equipment_display_id_key ON equipment (display_id);

-- The format library.
CREATE TABLE formats (
  id UUID PRIMARY KEY,
  display_id TEXT NOT NULL,
  h_res INTEGER NOT NULL,
  v_res INTEGER NOT NULL,
  frame_rate DOUBLE PRECISION NOT NULL,
  is_interlaced BOOLEAN,
  blanking TEXT CHECK (blanking IN ('none', 'rbv1', 'rbv2', 'rbv3')),
  is_system BOOLEAN,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX formats_display_id_key ON formats (display_id);

CREATE TABLE source_outputs (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  display_id TEXT,
  source_id UUID NOT NULL,
  connector TEXT NOT NULL,
  output_index INTEGER,
  h_res INTEGER,
  v_res INTEGER,
  rate DOUBLE PRECISION,
  standard TEXT,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (production_id, id)
);

CREATE TABLE projection_surfaces (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  display_id TEXT,
  name TEXT NOT NULL,
  width_m DOUBLE PRECISION,
  height_m DOUBLE PRECISION,
  bezel_h_m DOUBLE PRECISION,
  bezel_v_m DOUBLE PRECISION,
  surface_type TEXT CHECK (surface_type IN ('front', 'rear', 'dual-vision', 'mapped')),
  gain_factor DOUBLE PRECISION,
  dist_floor_m DOUBLE PRECISION,
  pos_ds_x_m DOUBLE PRECISION,
  pos_ds_y_m DOUBLE PRECISION,
  pos_ds_z_m DOUBLE PRECISION,
  rot_x DOUBLE PRECISION,
  rot_y DOUBLE PRECISION,
  rot_z DOUBLE PRECISION,
  ambient_lux DOUBLE PRECISION,
  mattes JSONB,
  projector_assignments JSONB,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (production_id, id)
);

CREATE TABLE ip_addresses (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  display_id TEXT,
  ip TEXT NOT NULL,
  device_name TEXT NOT NULL,
  category TEXT NOT NULL,
  subnet TEXT,
  gateway TEXT,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (production_id, id)
);

CREATE TABLE device_ports (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  display_id TEXT,
  device_id UUID NOT NULL,
  spec_port_id TEXT,
  port_label TEXT NOT NULL,
  io_type TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('input', 'output')),
  format_id UUID,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (production_id, id)
);

CREATE TABLE cables (
  id UUID PRIMARY KEY,
  production_id UUID NOT NULL REFERENCES productions (id) ON DELETE CASCADE,
  display_id TEXT,
  output_port_id UUID NOT NULL,
  input_port_id UUID NOT NULL,
  cable_type TEXT NOT NULL,
  length_ft DOUBLE PRECISION,
  note TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  field_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
  last_modified_by TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (production_id, id)
);

-- A human label is unique per production and type.
CREATE UNIQUE INDEX checklist_items_display_id_key ON checklist_items (production_id, display_id);
CREATE UNIQUE INDEX ccus_display_id_key ON ccus (production_id, display_id);
CREATE UNIQUE INDEX cameras_display_id_key ON cameras (production_id, display_id);
CREATE UNIQUE INDEX sources_display_id_key ON sources (production_id, display_id);
CREATE UNIQUE INDEX sends_display_id_key ON sends (production_id, display_id);
CREATE UNIQUE INDEX connections_display_id_key ON connections (production_id, display_id);
CREATE UNIQUE INDEX cable_snakes_display_id_key ON cable_snakes (production_id, display_id);
CREATE UNIQUE INDEX switchers_display_id_key ON switchers (production_id, display_id);
CREATE UNIQUE INDEX led_screens_display_id_key ON led_screens (production_id, display_id);
CREATE UNIQUE INDEX media_servers_display_id_key ON media_servers (production_id, display_id);
CREATE UNIQUE INDEX projection_screens_display_id_key ON projection_screens (production_id, display_id);
CREATE UNIQUE INDEX records_display_id_key ON records (production_id, display_id);
CREATE UNIQUE INDEX routers_display_id_key ON routers (production_id, display_id);
CREATE UNIQUE INDEX streams_display_id_key ON streams (production_id, display_id);
CREATE UNIQUE INDEX source_outputs_display_id_key ON source_outputs (production_id, display_id);
CREATE UNIQUE INDEX projection_surfaces_display_id_key ON projection_surfaces (production_id, display_id);
CREATE UNIQUE INDEX ip_addresses_display_id_key ON ip_addresses (production_id, display_id);
CREATE UNIQUE INDEX device_ports_display_id_key ON device_ports (production_id, display_id);
CREATE UNIQUE INDEX cables_display_id_key ON cables (production_id, display_id);
CREATE UNIQUE INDEX ip_addresses_ip_key ON ip_addresses (production_id, ip);

-- References inside a production. A required one (an output's source, a cable's ports) is
-- never cleared: the server deletes the referrer with its target, each with its event, so
-- NO ACTION here only guards against a path that forgot.
ALTER TABLE source_outputs ADD CONSTRAINT source_outputs_source_id_fkey
  FOREIGN KEY (production_id, source_id) REFERENCES sources (production_id, id);
CREATE INDEX source_outputs_source_id_idx ON source_outputs (source_id) WHERE source_id IS NOT NULL;
ALTER TABLE connections ADD CONSTRAINT connections_source_output_id_fkey
  FOREIGN KEY (production_id, source_output_id) REFERENCES source_outputs (production_id, id) ON DELETE SET NULL (source_output_id);
CREATE INDEX connections_source_output_id_idx ON connections (source_output_id) WHERE source_output_id IS NOT NULL;
ALTER TABLE cables ADD CONSTRAINT cables_output_port_id_fkey
  FOREIGN KEY (production_id, output_port_id) REFERENCES device_ports (production_id, id);
CREATE INDEX cables_output_port_id_idx ON cables (output_port_id) WHERE output_port_id IS NOT NULL;
ALTER TABLE cables ADD CONSTRAINT cables_input_port_id_fkey
  FOREIGN KEY (production_id, input_port_id) REFERENCES device_ports (production_id, id);
CREATE INDEX cables_input_port_id_idx ON cables (input_port_id) WHERE input_port_id IS NOT NULL;
CREATE INDEX device_ports_device_id_idx ON device_ports (device_id);

-- References to the global libraries. An item in use cannot be deleted (NO ACTION): it is
-- archived instead, so no show loses the facts of its gear.
ALTER TABLE cameras ADD CONSTRAINT cameras_equipment_id_fkey FOREIGN KEY (equipment_id) REFERENCES equipment (id);
CREATE INDEX cameras_equipment_id_idx ON cameras (equipment_id) WHERE equipment_id IS NOT NULL;
ALTER TABLE ccus ADD CONSTRAINT ccus_equipment_id_fkey FOREIGN KEY (equipment_id) REFERENCES equipment (id);
CREATE INDEX ccus_equipment_id_idx ON ccus (equipment_id) WHERE equipment_id IS NOT NULL;
ALTER TABLE sources ADD CONSTRAINT sources_equipment_id_fkey FOREIGN KEY (equipment_id) REFERENCES equipment (id);
CREATE INDEX sources_equipment_id_idx ON sources (equipment_id) WHERE equipment_id IS NOT NULL;
ALTER TABLE sends ADD CONSTRAINT sends_equipment_id_fkey FOREIGN KEY (equipment_id) REFERENCES equipment (id);
CREATE INDEX sends_equipment_id_idx ON sends (equipment_id) WHERE equipment_id IS NOT NULL;
ALTER TABLE cable_snakes ADD CONSTRAINT cable_snakes_equipment_id_fkey FOREIGN KEY (equipment_id) REFERENCES equipment (id);
CREATE INDEX cable_snakes_equipment_id_idx ON cable_snakes (equipment_id) WHERE equipment_id IS NOT NULL;
ALTER TABLE switchers ADD CONSTRAINT switchers_equipment_id_fkey FOREIGN KEY (equipment_id) REFERENCES equipment (id);
CREATE INDEX switchers_equipment_id_idx ON switchers (equipment_id) WHERE equipment_id IS NOT NULL;
ALTER TABLE led_screens ADD CONSTRAINT led_screens_equipment_id_fkey FOREIGN KEY (equipment_id) REFERENCES equipment (id);
CREATE INDEX led_screens_equipment_id_idx ON led_screens (equipment_id) WHERE equipment_id IS NOT NULL;
ALTER TABLE media_servers ADD CONSTRAINT media_servers_equipment_id_fkey FOREIGN KEY (equipment_id) REFERENCES equipment (id);
CREATE INDEX media_servers_equipment_id_idx ON media_servers (equipment_id) WHERE equipment_id IS NOT NULL;
ALTER TABLE projection_screens ADD CONSTRAINT projection_screens_equipment_id_fkey FOREIGN KEY (equipment_id) REFERENCES equipment (id);
CREATE INDEX projection_screens_equipment_id_idx ON projection_screens (equipment_id) WHERE equipment_id IS NOT NULL;
ALTER TABLE records ADD CONSTRAINT records_equipment_id_fkey FOREIGN KEY (equipment_id) REFERENCES equipment (id);
CREATE INDEX records_equipment_id_idx ON records (equipment_id) WHERE equipment_id IS NOT NULL;
ALTER TABLE routers ADD CONSTRAINT routers_equipment_id_fkey FOREIGN KEY (equipment_id) REFERENCES equipment (id);
CREATE INDEX routers_equipment_id_idx ON routers (equipment_id) WHERE equipment_id IS NOT NULL;
ALTER TABLE streams ADD CONSTRAINT streams_equipment_id_fkey FOREIGN KEY (equipment_id) REFERENCES equipment (id);
CREATE INDEX streams_equipment_id_idx ON streams (equipment_id) WHERE equipment_id IS NOT NULL;
ALTER TABLE led_screens ADD CONSTRAINT led_screens_processor_id_fkey FOREIGN KEY (processor_id) REFERENCES equipment (id);
CREATE INDEX led_screens_processor_id_idx ON led_screens (processor_id) WHERE processor_id IS NOT NULL;
ALTER TABLE device_ports ADD CONSTRAINT device_ports_format_id_fkey FOREIGN KEY (format_id) REFERENCES formats (id);
CREATE INDEX device_ports_format_id_idx ON device_ports (format_id) WHERE format_id IS NOT NULL;

-- Settings: the lookup lists behind the app's dropdowns, and free key/value settings.
CREATE TABLE lookup_values (
  list TEXT NOT NULL CHECK (list IN ('connector-types', 'source-types', 'frame-rates', 'resolutions')),
  value TEXT NOT NULL,
  sort_order INTEGER NOT NULL,
  PRIMARY KEY (list, value)
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value JSONB NOT NULL,
  category TEXT,
  last_modified_by TEXT,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

INSERT INTO lookup_values (list, value, sort_order) VALUES
  ('connector-types', 'HDMI 1.4', 0),
  ('connector-types', 'HDMI 2.0', 1),
  ('connector-types', 'HDMI 2.1', 2),
  ('connector-types', '3G-SDI', 3),
  ('connector-types', '6G-SDI', 4),
  ('connector-types', '12G-SDI', 5),
  ('connector-types', 'BNC REF', 6),
  ('connector-types', 'DP 1.1', 7),
  ('connector-types', 'DP 1.2', 8),
  ('connector-types', 'DP 1.4', 9),
  ('connector-types', 'NDI', 10),
  ('connector-types', 'USB-C', 11),
  ('connector-types', 'NETWORK (RJ45)', 12),
  ('connector-types', 'OPTICON DUO', 13),
  ('connector-types', 'OPTICON QUAD', 14),
  ('connector-types', 'SMPTE FIBER', 15),
  ('connector-types', 'LC - FIBER (SM)', 16),
  ('connector-types', 'ST - FIBER (SM)', 17),
  ('connector-types', 'SC - FIBER (SM)', 18),
  ('connector-types', 'LC - FIBER (MM)', 19),
  ('connector-types', 'ST - FIBER (MM)', 20),
  ('connector-types', 'SC - FIBER (MM)', 21),
  ('connector-types', 'XLR', 22),
  ('connector-types', 'DMX', 23),
  ('source-types', 'Laptop - PC MISC', 0),
  ('source-types', 'Laptop - PC GFX', 1),
  ('source-types', 'Laptop - PC WIDE', 2),
  ('source-types', 'Laptop - MAC MISC', 3),
  ('source-types', 'Laptop - MAC GFX', 4),
  ('source-types', 'Desktop - PC MISC', 5),
  ('source-types', 'Desktop - PC GFX', 6),
  ('source-types', 'Desktop - PC SERVER', 7),
  ('source-types', 'Desktop - MAC MISC', 8),
  ('source-types', 'Desktop - MAC GFX', 9),
  ('source-types', 'Desktop - MAC SERVER', 10),
  ('frame-rates', '60', 0),
  ('frame-rates', '59.94', 1),
  ('frame-rates', '50', 2),
  ('frame-rates', '30', 3),
  ('frame-rates', '29.97', 4),
  ('frame-rates', '25', 5),
  ('frame-rates', '24', 6),
  ('frame-rates', '23.98', 7),
  ('resolutions', '8192 x 1080', 0),
  ('resolutions', '7680 x 1080', 1),
  ('resolutions', '4096 x 2160', 2),
  ('resolutions', '3840 x 2160', 3),
  ('resolutions', '3840 x 1080', 4),
  ('resolutions', '3240 x 1080', 5),
  ('resolutions', '1920 x 1200', 6),
  ('resolutions', '1920 x 1080', 7),
  ('resolutions', '1280 x 720', 8);
