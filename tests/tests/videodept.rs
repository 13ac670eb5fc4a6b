//! `prodsync import videodept`: a crew's show in the Video Production Manager's own
//! database (its tables built from the Prisma schema's facts, tests/fixtures/videodept)
//! brought over by the real binary, then read through `/api` and `/compat/api`: every
//! field there, references resolved, the soft-deleted camera left out, authors and field
//! versions kept, the change log saying `import`; a second run writes nothing; a change
//! made there afterwards reaches a subscriber of the imported production.

use std::time::Duration;

use prodsync_e2e::test_db::TestDatabase;
use prodsync_e2e::ws::WsClient;
use prodsync_e2e::{db_client, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

const GALA: &str = "prod_1738000000000_gala26";
const OTHER: &str = "prod_1738000000001_other1";
const CUSTOM_CAM: &str = "0b7e2a9c-1111-4a8e-9d3a-000000000001";
const CUSTOM_PROCESSOR: &str = "0b7e2a9c-1111-4a8e-9d3a-000000000002";
const THEIR_SONY: &str = "0b7e2a9c-1111-4a8e-9d3a-000000000003";
const THEIR_1080I: &str = "0b7e2a9c-1111-4a8e-9d3a-000000000004";
/// A camera id already taken here, by a production made on this server.
const CLASH: &str = "0b7e2a9c-7777-4a8e-9d3a-000000000001";

/// The Winter Gala as the original keeps it: 6 CCUs, 31 cameras (one soft-deleted; half
/// linked to their CCU by display id only, half by uuid too), 3 computers with 2 outputs
/// each, an LED wall on a custom processor, a checklist with completed items, a port on a
/// CCU cabled to a port on a vision switcher, custom dropdown values and a setting.
fn fill() -> String {
    let mut sql = format!(
        "INSERT INTO equipment_specs (uuid, id, category, manufacturer, model, io_architecture, updated_at, device_formats)
         VALUES ('{CUSTOM_CAM}', 'acme-x1', 'CAMERA', 'Acme', 'X1 Custom', 'DIRECT', now(), '[\"1080p50\"]'),
                ('{CUSTOM_PROCESSOR}', 'acme-lp', 'LED_PROCESSOR', 'Acme', 'LP-9', 'CARD_BASED', now(), NULL),
                ('{THEIR_SONY}', 'sony-hdc-5500', 'CAMERA', 'Sony', 'HDC-5500', 'DIRECT', now(), NULL);
         INSERT INTO equipment_io_ports (id, equipment_id, equipment_uuid, port_type, io_type, label, port_index, updated_at)
         VALUES ('sdi-1', 'acme-x1', '{CUSTOM_CAM}', 'OUTPUT', '12G-SDI', 'PGM', 1, now());
         INSERT INTO equipment_cards (uuid, id, equipment_id, equipment_uuid, slot_number, updated_at)
         VALUES ('0b7e2a9c-2222-4a8e-9d3a-000000000001', 'card-1', 'acme-lp', '{CUSTOM_PROCESSOR}', 1, now());
         INSERT INTO equipment_card_io (id, card_id, card_uuid, port_type, io_type, port_index, updated_at)
         VALUES ('in-1', 'card-1', '0b7e2a9c-2222-4a8e-9d3a-000000000001', 'INPUT', 'HDMI 2.0', 1, now());
         INSERT INTO formats (uuid, id, h_res, v_res, frame_rate, is_interlaced, updated_at)
         VALUES ('{THEIR_1080I}', '1080i5994', 1920, 1080, 59.94, true, now());
         INSERT INTO connector_types (id, name, sort_order, updated_at) VALUES ('c1', 'HDMI 2.0', 0, now()), ('c2', 'Opticalcon DUO', 1, now()),
                ('c3', 'SDI/HDMI', 2, now());
         INSERT INTO frame_rates (id, rate, sort_order, updated_at) VALUES ('f1', '47.952', 0, now());
         INSERT INTO settings (id, key, value, category, updated_at) VALUES ('s1', 'company_name', '\"ACME Events\"', 'general', now());
         INSERT INTO productions (id, client, show_name, venue, load_in, status, updated_at, version, field_versions,
             last_modified_by, source_types)
         VALUES ('{GALA}', 'ACME Events', 'Winter Gala 2026', 'Grand Hall', '2026-02-15 08:00:00', 'ACTIVE', now(), 7,
             '{{\"show_name\": {{\"version\": 3, \"updated_at\": \"2026-01-10T10:00:00.000Z\"}}}}', 'ann', '[\"Laptop\", \"Media Server\"]'),
                ('{OTHER}', 'Other Co', 'Small Show', NULL, NULL, 'PLANNING', now(), 1, NULL, 'cy', NULL);
         INSERT INTO cameras (uuid, id, production_id, name, updated_at)
         VALUES ('{CLASH}', 'CAM 1', '{OTHER}', 'Only cam', now()),
                ('0b7e2a9c-7777-4a8e-9d3a-000000000002', 'CAM 2', '{OTHER}', 'Second cam', now());
         INSERT INTO ip_addresses (uuid, id, production_id, ip, device_name, category, updated_at)
         VALUES ('0b7e2a9c-6666-4a8e-9d3a-000000000001', 'IP 1', '{GALA}', '10.0.0.11', 'CCU 1', 'Video', now()),
                ('0b7e2a9c-6666-4a8e-9d3a-000000000002', 'IP 2', '{GALA}', '', 'Spare', 'Video', now());
        "
    );
    for n in 1..=6 {
        sql.push_str(&format!(
            "INSERT INTO ccus (id, production_id, name, manufacturer, model, updated_at, last_modified_by, sort_order)
             VALUES ('CCU {n}', '{GALA}', 'CCU {n}', 'Sony', 'HDCU-5500', now(), 'ann', {n});\n"
        ));
    }
    for n in 1..=31_u32 {
        let ccu = (n - 1) % 6 + 1;
        let by_uuid = if n > 15 {
            format!("(SELECT uuid FROM ccus WHERE id = 'CCU {ccu}' AND production_id = '{GALA}')")
        } else {
            "NULL".into()
        };
        let equipment = if n.is_multiple_of(2) { CUSTOM_CAM } else { THEIR_SONY };
        sql.push_str(&format!(
            "INSERT INTO cameras (id, production_id, name, model, max_zoom, has_jib, ccu_id, ccu_uuid, equipment_uuid,
                 updated_at, version, field_versions, last_modified_by, is_deleted, note)
             VALUES ('CAM {n}', '{GALA}', 'Camera {n}', 'HDC-5500', {zoom}, {jib}, 'CCU {ccu}', {by_uuid}, '{equipment}',
                 now(), 5, '{{\"max_zoom\": {{\"version\": 4, \"updated_at\": \"x\"}}, \"name\": {{\"version\": 2, \"updated_at\": \"x\"}}}}',
                 '{author}', {deleted}, '');\n",
            zoom = 20.0 + f64::from(n) / 2.0,
            jib = n.is_multiple_of(5),
            author = if n.is_multiple_of(2) { "bob" } else { "ann" },
            deleted = n == 31,
        ));
    }
    for n in 1..=3 {
        sql.push_str(&format!(
            "INSERT INTO sources (uuid, id, production_id, category, type, name, h_res, v_res, rate, updated_at)
             VALUES ('0b7e2a9c-3333-4a8e-9d3a-00000000000{n}', 'SRC {n}', '{GALA}', 'COMPUTER', 'Laptop', 'Laptop {n}',
                 1920, 1080, 59.94, now());
             INSERT INTO source_outputs (id, source_uuid, source_id, connector, output_index)
             VALUES ('SRC {n}-1', '0b7e2a9c-3333-4a8e-9d3a-00000000000{n}', 'SRC {n}', 'HDMI', 1),
                    ('SRC {n}-2', '0b7e2a9c-3333-4a8e-9d3a-00000000000{n}', 'SRC {n}', 'USB-C', 2);\n"
        ));
    }
    sql.push_str(&format!(
        "INSERT INTO led_screens (id, production_id, name, processor_uuid, pos_ds_x_m, tile_grid, updated_at)
         VALUES ('LED 1', '{GALA}', 'Main wall', '{CUSTOM_PROCESSOR}', -2.5, '{{\"cols\": 8, \"rows\": 4}}', now());
         INSERT INTO vision_switchers (uuid, id, production_id, name, inputs, updated_at)
         VALUES ('0b7e2a9c-4444-4a8e-9d3a-000000000001', 'VSW 1', '{GALA}', 'Vision', 40, now());
         INSERT INTO checklist_items (id, production_id, title, completed, completed_at, due_date, category, updated_at, more_info)
         VALUES ('CHK 1', '{GALA}', 'Book crew', true, 1767225600000, '2026-02-01 00:00:00', 'Crew', now(), '[{{\"text\": \"8 ops\"}}]'),
                ('CHK 2', '{GALA}', 'Order fibre', true, 1767312000000, NULL, 'Kit', now(), NULL),
                ('CHK 3', '{GALA}', 'Confirm truck', false, NULL, NULL, 'Kit', now(), NULL);
         INSERT INTO device_ports (uuid, id, production_id, device_uuid, port_label, io_type, direction, format_uuid, updated_at)
         VALUES ('0b7e2a9c-5555-4a8e-9d3a-000000000001', 'CCU 1_out_1', '{GALA}',
                 (SELECT uuid FROM ccus WHERE id = 'CCU 1'), 'SDI Out 1', 'SDI', 'OUTPUT', '{THEIR_1080I}', now()),
                ('0b7e2a9c-5555-4a8e-9d3a-000000000002', 'VSW 1_in_1', '{GALA}',
                 '0b7e2a9c-4444-4a8e-9d3a-000000000001', 'In 1', 'SDI', 'INPUT', NULL, now());
         INSERT INTO cables (id, production_id, output_port_uuid, input_port_uuid, cable_type, length_ft, updated_at)
         VALUES ('CCU 1_out_1_SDI_VSW 1_in_1', '{GALA}', '0b7e2a9c-5555-4a8e-9d3a-000000000001',
                 '0b7e2a9c-5555-4a8e-9d3a-000000000002', 'SDI', 150, now());\n"
    ));
    sql
}

async fn source() -> TestDatabase {
    let db = TestDatabase::blank().await;
    let (client, conn) = db_client(&db.url).await;
    let schema = include_str!("../fixtures/videodept/schema.sql");
    client.batch_execute(schema).await.expect("the original's schema");
    client.batch_execute(&fill()).await.expect("the Winter Gala");
    drop(client);
    conn.abort();
    db
}

/// Runs `prodsync import videodept` off the test's runtime; its standard output.
async fn import(s: &TestServer, from: &str, extra: &[&str]) -> String {
    let mut args: Vec<String> = ["import", "videodept", "--from", from].map(String::from).to_vec();
    args.extend(extra.iter().map(|a| a.to_string()));
    let out = prodsync_e2e::cluster::command(&s.db.url, args).await;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

fn by_label<'a>(list: &'a Value, label: &str) -> &'a Value {
    let items = list.as_array().unwrap_or_else(|| panic!("a list: {list}"));
    items.iter().find(|e| e["displayId"] == label).unwrap_or_else(|| panic!("{label} in {list}"))
}

#[tokio::test]
async fn a_crew_moves_its_shows_over_from_the_original_database() {
    let s = TestServer::start().await;
    let src = source().await;
    let (_, library_before) = s.get("/api/equipment").await;
    let our_sony = by_label(&library_before, "sony-hdc-5500")["id"].clone();

    // A dry run says what it would do and writes nothing.
    let said = import(&s, &src.url, &["--dry-run"]).await;
    assert!(said.contains("dry run: nothing was written"), "{said}");
    assert_eq!(s.get("/api/productions").await.1, json!([]), "{said}");

    // A camera here already has the id of one of theirs: that row is refused, not the show.
    let mine = s.production("Ours").await;
    s.create(&mine, "cameras", json!({"id": CLASH, "name": "Ours"})).await;

    // Subscribers of the production list see the productions arrive.
    let mut list = WsClient::connect(&s.ws_url()).await;
    list.send("join-production-list", json!({})).await;
    list.expect_event("joined-production-list").await;

    let said = import(&s, &src.url, &["--owner", "olga"]).await;
    assert!(said.contains(&format!("{GALA} \"Winter Gala 2026\"")), "{said}");
    let arrived = list.expect_event("production:created").await;
    assert_eq!(arrived["cause"], "import", "{arrived}");

    let (_, productions) = s.get("/api/productions").await;
    let gala = by_label(&productions, GALA);
    let pid = gala["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (
            gala["showName"].as_str(),
            gala["status"].as_str(),
            gala["loadIn"].as_str(),
            gala["version"].as_i64()
        ),
        (Some("Winter Gala 2026"), Some("active"), Some("2026-02-15T08:00:00Z"), Some(7))
    );
    assert_eq!(
        (gala["fieldVersions"]["showName"].as_i64(), gala["lastModifiedBy"].as_str()),
        (Some(3), Some("ann"))
    );
    assert_eq!(gala["sourceTypes"], json!(["Laptop", "Media Server"]));

    let (status, snap) = s.get(&format!("/api/productions/{pid}/snapshot")).await;
    assert_eq!(status, StatusCode::OK, "{snap}");
    let e = &snap["entities"];
    let cameras = e["cameras"].as_array().unwrap();
    assert_eq!(cameras.len(), 30, "31 there, one soft-deleted");
    assert!(cameras.iter().all(|c| c["displayId"] != "CAM 31"));
    for c in cameras {
        let n: usize = c["displayId"].as_str().unwrap()[4..].parse().unwrap();
        let ccu = by_label(&e["ccus"], &format!("CCU {}", (n - 1) % 6 + 1));
        assert_eq!(c["ccuId"], ccu["id"], "{} on its CCU, by display id or by uuid", c["displayId"]);
        let equipment = if n.is_multiple_of(2) { json!(CUSTOM_CAM) } else { our_sony.clone() };
        assert_eq!(c["equipmentId"], equipment, "their Sony is ours; their custom camera is kept");
        assert_eq!(c["maxZoom"].as_f64(), Some(20.0 + n as f64 / 2.0));
        assert_eq!(c["hasJib"], json!(n.is_multiple_of(5)));
        assert_eq!(c["note"], Value::Null, "the original's empty string is no note");
        assert_eq!(c["lastModifiedBy"], if n.is_multiple_of(2) { "bob" } else { "ann" });
        assert_eq!((c["version"].as_i64(), c["fieldVersions"]["maxZoom"].as_i64()), (Some(5), Some(4)));
        assert_eq!(c["fieldVersions"]["name"].as_i64(), Some(2));
    }
    let outputs = e["source-outputs"].as_array().unwrap();
    assert_eq!((e["sources"].as_array().unwrap().len(), outputs.len()), (3, 6));
    let laptop = by_label(&e["sources"], "SRC 2");
    assert_eq!((laptop["category"].as_str(), laptop["rate"].as_f64()), (Some("COMPUTER"), Some(59.94)));
    assert_eq!(by_label(&e["source-outputs"], "SRC 2-2")["sourceId"], laptop["id"]);
    let wall = by_label(&e["led-screens"], "LED 1");
    assert_eq!(
        (wall["processorId"].as_str(), wall["posDsXM"].as_f64()),
        (Some(CUSTOM_PROCESSOR), Some(-2.5))
    );
    assert_eq!(wall["tileGrid"], json!({"cols": 8, "rows": 4}));
    let switcher = by_label(&e["switchers"], "VSW 1");
    assert_eq!((switcher["kind"].as_str(), switcher["inputs"].as_i64()), (Some("vision"), Some(40)));
    let crew = by_label(&e["checklist-items"], "CHK 1");
    assert_eq!(
        (crew["completed"].as_bool(), crew["completedAt"].as_str(), crew["dueDate"].as_str()),
        (Some(true), Some("2026-01-01T00:00:00Z"), Some("2026-02-01"))
    );
    assert_eq!(crew["moreInfo"], json!([{"text": "8 ops"}]));
    assert_eq!(by_label(&e["checklist-items"], "CHK 3")["completed"], false);
    let port = by_label(&e["device-ports"], "CCU 1_out_1");
    assert_eq!(port["deviceId"], by_label(&e["ccus"], "CCU 1")["id"]);
    assert_eq!(port["direction"], "output");
    // A row that cannot be mapped is listed with its reason; the rest came.
    assert!(said.contains("x ip_addresses 0b7e2a9c-6666-4a8e-9d3a-000000000002: ip is required"), "{said}");
    assert_eq!(e["ip-addresses"].as_array().map(Vec::len), Some(1));
    let members = s.ok("GET", &format!("/api/productions/{pid}/members"), "olga", None).await;
    let olga = members.as_array().unwrap().iter().find(|m| m["userId"] == "olga").expect("olga");
    assert_eq!(olga["role"], "owner", "--owner makes her owner: {members}");
    let cable = &e["cables"][0];
    assert_eq!(
        (cable["outputPortId"].as_str(), cable["lengthFt"].as_f64()),
        (port["id"].as_str(), Some(150.0))
    );
    assert_eq!(cable["inputPortId"], by_label(&e["device-ports"], "VSW 1_in_1")["id"]);

    // The libraries: their custom items once, theirs that we have not at all.
    let (_, equipment) = s.get("/api/equipment").await;
    let models =
        |list: &Value, model: &str| list.as_array().unwrap().iter().filter(|i| i["model"] == model).count();
    assert_eq!(
        models(&equipment, "HDC-5500"),
        models(&library_before, "HDC-5500"),
        "their Sony merged into ours"
    );
    assert_eq!((models(&equipment, "X1 Custom"), models(&equipment, "LP-9")), (1, 1));
    let (_, lp) = s.get(&format!("/api/equipment/{CUSTOM_PROCESSOR}")).await;
    assert_eq!(lp["cards"][0]["inputs"], json!([{"id": "in-1", "type": "HDMI 2.0"}]), "{lp}");
    assert_eq!(port["formatId"].as_str().map(str::len), Some(36));
    assert_ne!(port["formatId"], THEIR_1080I, "their 1080i59.94 is ours");
    let (_, connectors) = s.get("/api/settings/connector-types").await;
    let connectors: Vec<&str> = connectors.as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(connectors.iter().filter(|c| **c == "HDMI 2.0").count(), 1);
    assert!(connectors.contains(&"Opticalcon DUO"), "{connectors:?}");
    // A value no DELETE /api/settings/<list>/<value> could name is refused, and said.
    assert!(!connectors.contains(&"SDI/HDMI"), "{connectors:?}");
    assert!(said.contains("x connector_types SDI/HDMI:"), "{said}");
    let (_, rates) = s.get("/api/settings/frame-rates").await;
    assert!(rates.as_array().unwrap().contains(&json!("47.952")), "{rates}");
    let (_, setting) = s.get("/api/settings/values/company_name").await;
    assert_eq!(setting["value"], "ACME Events", "{setting}");

    // The change log: every change is an import, by the row's own author.
    let (_, changes) = s.get(&format!("/api/productions/{pid}/changes?since=0&limit=1000")).await;
    let events = changes["events"].as_array().unwrap();
    assert!(events.iter().all(|ev| ev["data"]["cause"] == "import"), "{}", events[0]);
    let cam2 = events.iter().find(|ev| ev["data"]["data"]["displayId"] == "CAM 2").unwrap();
    assert_eq!(cam2["data"]["userId"], "bob", "{cam2}");

    // The original's own shapes, through the compatibility layer.
    let compat = |path: String| {
        let url = s.url(&format!("/compat/api{path}"));
        let http = s.http.clone();
        async move { http.get(url).send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let theirs = compat(format!("/cameras/production/{GALA}")).await;
    let cam20 = theirs.as_array().unwrap().iter().find(|c| c["id"] == "CAM 20").expect("CAM 20");
    assert_eq!((cam20["ccuId"].as_str(), cam20["name"].as_str()), (Some("CCU 2"), Some("Camera 20")));
    assert_eq!(cam20["equipmentUuid"], CUSTOM_CAM);
    assert_eq!(compat(format!("/productions/{GALA}")).await["name"], "Winter Gala 2026");

    // The other production came too; one production at a time is possible.
    let other = by_label(&productions, OTHER);
    assert_eq!(other["showName"], "Small Show");
    assert!(said.contains(&format!("x cameras {CLASH}:")), "{said}");
    let (_, others) = s.get(&format!("/api/productions/{}/cameras", other["id"].as_str().unwrap())).await;
    assert_eq!(others.as_array().map(Vec::len), Some(1), "the rest of that show came: {others}");
    let only = import(&s, &src.url, &["--production", OTHER, "--dry-run"]).await;
    assert!(only.contains(OTHER) && !only.contains(GALA), "{only}");

    // A second run finds everything equal and writes nothing.
    let head = s.head_seq(&pid).await;
    let again = import(&s, &src.url, &[]).await;
    assert!(again.contains("nothing to do"), "{again}");
    assert_eq!(s.head_seq(&pid).await, head);
    let (_, equipment_after) = s.get("/api/equipment").await;
    assert_eq!(equipment_after.as_array().unwrap().len(), equipment.as_array().unwrap().len());

    // A change made there afterwards arrives at a subscriber of the imported production.
    let mut watcher = WsClient::connect(&s.ws_url()).await;
    watcher.join(&pid, Some(head)).await;
    let (client, conn) = db_client(&src.url).await;
    client
        .batch_execute("UPDATE cameras SET name = 'Jib cam', last_modified_by = 'cy' WHERE id = 'CAM 5'")
        .await
        .unwrap();
    drop(client);
    conn.abort();
    let third = import(&s, &src.url, &[]).await;
    assert!(third.contains("1 updated") || third.contains("0 created, 1 updated"), "{third}");
    let got = watcher.events_until(head + 1, Duration::from_secs(10)).await;
    let data = &got[0]["data"];
    assert_eq!((got[0]["event"].as_str(), data["cause"].as_str()), (Some("camera:updated"), Some("import")));
    assert_eq!((data["data"]["name"].as_str(), data["userId"].as_str()), (Some("Jib cam"), Some("cy")));
}
