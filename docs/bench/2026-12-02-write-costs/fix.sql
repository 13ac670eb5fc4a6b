TRUNCATE productions CASCADE;
INSERT INTO productions (id, show_name, client) SELECT md5('prod'||p)::uuid, 'Bench '||p, 'bench' FROM generate_series(1, :nprod) p;
INSERT INTO cameras (id, production_id, name, model, note) SELECT md5('cam'||n)::uuid, md5('prod'||((n-1) % :nprod + 1))::uuid, 'Cam '||n, 'HDC', 'start' FROM generate_series(1, :ncams) n;
