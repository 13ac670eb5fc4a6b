//! The original app's whole data model over real HTTP: a realistic show loaded and read
//! back field for field, references across the new types, display ids, the libraries.

use std::collections::HashMap;

use prodsync_e2e::TestServer;
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

/// The library item with this original key (`displayId`).
async fn library_id(s: &TestServer, library: &str, key: &str) -> Value {
    let (_, items) = s.get(&format!("/api/{library}?includeArchived=true")).await;
    let item = items.as_array().unwrap().iter().find(|i| i["displayId"] == key);
    item.unwrap_or_else(|| panic!("{library} {key} is seeded"))["id"].clone()
}

/// A touring concert, as the original app's "Live Concert Special" sample would hold it
/// once a crew had planned it: every type, references between them, library items.
struct Show {
    /// (path, body with a client-chosen id) in an order where targets come first.
    ops: Vec<(&'static str, Value)>,
}

impl Show {
    fn add(&mut self, path: &'static str, mut body: Value) -> Value {
        let id = json!(Uuid::new_v4().to_string());
        body["id"] = id.clone();
        self.ops.push((path, body));
        id
    }

    async fn build(s: &TestServer) -> Show {
        let mut show = Show { ops: Vec::new() };
        let hdcu = library_id(s, "equipment", "sony-hdcu-5500").await;
        let korona = library_id(s, "equipment", "grass-valley-korona-k-frame").await;
        let fmt_1080i = library_id(s, "formats", "1920 x 1080 @ 59.94i").await;
        let fmt_uhd = library_id(s, "formats", "3840 x 2160 @ 59.94").await;

        let mut ccu_ports = Vec::new();
        let mut ccus = Vec::new();
        for c in 1..=6 {
            let ccu = show.add("ccus", json!({"displayId": format!("CCU {c}"), "name": format!("CCU {c}"),
                "manufacturer": "Sony", "model": "HDCU-5500", "formatMode": "1080i59.94", "fiberInput": "SMPTE Fiber",
                "referenceInput": "Tri-level", "outputs": [{"id": "sdi-1", "label": "SDI Out 1"}], "sortOrder": c,
                "equipmentId": hdcu, "note": format!("rack {}", (c + 1) / 2)}));
            for n in 1..=4 {
                ccu_ports.push(show.add(
                    "device-ports",
                    json!({"displayId": format!("CCU {c}_out_{n}"), "deviceId": ccu,
                    "specPortId": format!("sdi-{n}"), "portLabel": format!("SDI Out {n}"), "ioType": "SDI",
                    "direction": "output", "formatId": fmt_1080i}),
                ));
            }
            ccus.push(ccu);
        }
        for c in 1..=30 {
            let lens = if c % 3 == 0 { "box" } else { "handheld" };
            show.add("cameras", json!({"displayId": format!("CAM {c}"), "name": format!("Camera {c}"),
                "manufacturer": "Sony", "model": "HDC-5500", "formatMode": "1080i59.94", "lensType": lens,
                "maxZoom": 22.0 + f64::from(c), "shootingDistance": 12.5 * f64::from(c), "focalLength": 8.6,
                "hasHeavyTripod": c % 2 == 0, "hasMediumTripod": c % 3 == 0, "hasTripod": c % 4 == 0,
                "hasShortTripod": c % 5 == 0, "hasDolly": c == 7, "hasJib": c == 8, "hasSteadicam": c == 9,
                "hasMagicArm": c == 10, "ccuId": if c <= 6 { ccus[c as usize - 1].clone() } else { Value::Null },
                "smpteCableLength": 100.0 * f64::from(c % 4 + 1), "note": format!("position {c}")}));
        }
        let switcher = show.add("switchers", json!({"displayId": "VS 1", "name": "Main vision switcher",
            "kind": "vision", "manufacturer": "Grass Valley", "model": "Korona K-Frame", "inputs": 24, "outputs": 8,
            "mes": 3, "equipmentId": korona}));
        show.add(
            "switchers",
            json!({"displayId": "CS 1", "name": "ISO switcher", "kind": "camera", "inputs": 12}),
        );
        for (n, out) in ccu_ports.iter().enumerate() {
            let input = show.add("device-ports", json!({"displayId": format!("VS 1_in_{}", n + 1), "deviceId": switcher,
                "specPortId": format!("in-{}", n + 1), "portLabel": format!("Input {}", n + 1), "ioType": "12G-SDI",
                "direction": "input", "formatId": fmt_uhd}));
            show.add("cables", json!({"displayId": format!("CBL {}", n + 1), "outputPortId": out, "inputPortId": input,
                "cableType": "SDI", "lengthFt": 50.0 + n as f64, "note": if n == 0 { json!("spare in truck") } else { Value::Null }}));
        }
        for n in 1..=12 {
            let source = show.add("sources", json!({"displayId": format!("SRC {n}"), "name": format!("Playback {n}"),
                "type": "Laptop - MAC GFX", "category": "computer", "formatAssignmentMode": "per-io", "hRes": 1920,
                "vRes": 1080, "rate": 59.94, "standard": "1080p", "secondaryDevice": "Decimator",
                "primaryDevicePort": "HDMI", "secondaryDevicePort": "SDI", "blanking": "none"}));
            let mut first = Value::Null;
            for (i, connector) in ["HDMI", "USB-C"].iter().enumerate() {
                let out = show.add("source-outputs", json!({"displayId": format!("SRC {n}.{}", i + 1), "sourceId": source,
                    "connector": connector, "outputIndex": i + 1, "hRes": 1920, "vRes": 1080, "rate": 59.94, "standard": "1080p"}));
                if i == 0 {
                    first = out;
                }
            }
            show.add("connections", json!({"displayId": format!("CON {n}"), "sourceId": source, "sourceOutputId": first,
                "destinationType": "switcher", "destinationId": switcher, "intermediateType": "converter",
                "intermediateInput": "HDMI In", "intermediateOutput": "SDI Out", "signalPath": [{"hop": "Decimator"}]}));
        }
        for n in 1..=6 {
            show.add(
                "sends",
                json!({"displayId": format!("SND {n}"), "name": format!("IMAG {n}"), "type": "LED",
                "hRes": 3840, "vRes": 2160, "rate": 59.94, "output": "PGM", "outputConnector": "12G-SDI"}),
            );
        }
        for n in 1..=3 {
            show.add("led-screens", json!({"displayId": format!("LED {n}"), "name": format!("Wall {n}"), "hRes": 4032,
                "vRes": 1152, "rate": 59.94, "sortOrder": n, "posDsXM": f64::from(n) * 6.0 - 12.0, "posDsYM": 4.5,
                "rotationDeg": if n == 2 { 0.0 } else { 15.0 }, "tileGrid": {"cols": 14, "rows": 8}}));
        }
        show.add(
            "projection-surfaces",
            json!({"displayId": "PS 1", "name": "Upstage scrim", "widthM": 12.0,
            "heightM": 6.75, "surfaceType": "rear", "gainFactor": 1.1, "posDsZM": 5.0, "rotX": 0.0,
            "mattes": [{"id": "m1", "label": "logo", "xM": 1.0, "yM": 1.0, "widthM": 2.0, "heightM": 1.0}]}),
        );
        for n in 1..=4 {
            show.add("media-servers", json!({"displayId": format!("MS {}{}", (n + 1) / 2, if n % 2 == 0 { "B" } else { "A" }),
                "name": format!("Media {n}"), "pairNumber": (n + 1) / 2, "isBackup": n % 2 == 0, "platform": "disguise",
                "computerType": "vx 4+", "outputs": 4, "outputsData": [{"output": 1, "to": "LED 1"}]}));
        }
        for n in 1..=40 {
            show.add(
                "ip-addresses",
                json!({"displayId": format!("IP {n}"), "ip": format!("10.10.1.{n}"),
                "deviceName": format!("device {n}"), "category": if n <= 6 { "CCU" } else { "Control" },
                "subnet": "255.255.255.0", "gateway": "10.10.1.254"}),
            );
        }
        for n in 1..=20 {
            show.add("checklist-items", json!({"displayId": format!("TASK {n}"), "title": format!("Task {n}"),
                "category": "Pre-production", "daysBeforeShow": 30 - n, "sortOrder": n, "moreInfo": [{"type": "text", "content": "call vendor"}],
                "reference": "RFP 4.2", "completionDate": if n <= 5 { json!("2026-02-01T12:00:00Z") } else { Value::Null }}));
        }
        show.add("records", json!({"displayId": "REC 1", "name": "ISO recorder", "format": "ProRes 422 HQ"}));
        show.add("routers", json!({"displayId": "RTR 1", "name": "Router", "inputs": 40, "outputs": 40}));
        show.add("streams", json!({"displayId": "STR 1", "name": "YouTube", "platform": "YouTube", "url": "rtmp://a.rtmp.youtube.com/live2"}));
        show.add(
            "cable-snakes",
            json!({"displayId": "SNK 1", "name": "FOH snake", "manufacturer": "Neutrik"}),
        );
        show.add(
            "projection-screens",
            json!({"displayId": "PJ 1", "name": "Side screen L", "hRes": 1920, "vRes": 1200}),
        );
        show
    }
}

#[tokio::test]
async fn a_realistic_show_loads_through_rest_and_the_snapshot_holds_all_of_it() {
    let s = TestServer::start().await;
    let (status, production) = s
        .post("/api/productions", &json!({"showName": "Live Concert Special", "client": "XYZ Productions",
            "venue": "Madison Square Garden", "room": "Truck 1", "status": "active",
            "loadIn": "2026-02-20T06:00:00Z", "loadOut": "2026-02-21T02:00:00Z",
            "showInfoUrl": "https://example.com/concert-details", "sourceTypes": ["Laptop - MAC GFX", "Desktop - PC SERVER"]}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{production}");
    let pid = production["id"].as_str().unwrap();
    let show = Show::build(&s).await;
    assert!(show.ops.len() > 200, "a show of real size: {} entities", show.ops.len());
    // As a crew's import would: batches of operations, each atomic.
    for chunk in show.ops.chunks(250) {
        let ops: Vec<Value> =
            chunk.iter().map(|(path, body)| json!({"op": "create", "entity": path, "body": body})).collect();
        let (status, got) =
            s.post(&format!("/api/productions/{pid}/batch"), &json!({"operations": ops})).await;
        assert_eq!(status, StatusCode::OK, "{got}");
    }

    let (_, snap) = s.get(&format!("/api/productions/{pid}/snapshot")).await;
    assert_eq!(snap["production"]["sourceTypes"], production["sourceTypes"]);
    assert_eq!(snap["seq"], json!(1 + show.ops.len()));
    let mut by_id: HashMap<&str, &Value> = HashMap::new();
    for (_, list) in snap["entities"].as_object().unwrap() {
        for e in list.as_array().unwrap() {
            by_id.insert(e["id"].as_str().unwrap(), e);
        }
    }
    assert_eq!(by_id.len(), show.ops.len(), "the snapshot holds exactly what was loaded");
    for (path, body) in &show.ops {
        let got = by_id[body["id"].as_str().unwrap()];
        for (field, value) in body.as_object().unwrap() {
            assert_eq!(&got[field], value, "{path} {}.{field}", body["displayId"]);
        }
    }
    let count = |path: &str| snap["entities"][path].as_array().unwrap().len();
    assert_eq!(
        (count("cameras"), count("cables"), count("ip-addresses"), count("source-outputs")),
        (30, 24, 40, 24)
    );
}

#[tokio::test]
async fn deleting_a_target_deletes_required_referrers_and_clears_optional_ones_and_undo_restores_them() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let source = s.create(&pid, "sources", json!({"name": "Laptop", "type": "Laptop - PC MISC"})).await;
    let out = s.create(&pid, "source-outputs", json!({"sourceId": source["id"], "connector": "HDMI"})).await;
    let conn = s
        .create(
            &pid,
            "connections",
            json!({"sourceId": source["id"], "sourceOutputId": out["id"], "destinationType": "send"}),
        )
        .await;
    let head = s.head_seq(&pid).await;

    let base = format!("/api/productions/{pid}");
    s.ok("DELETE", &format!("{base}/sources/{}", source["id"].as_str().unwrap()), "ann", None).await;
    let (_, changes) = s.get(&format!("{base}/changes?since={head}")).await;
    let events: Vec<(&str, &str)> = changes["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["event"].as_str().unwrap(), e["data"]["data"]["id"].as_str().unwrap()))
        .collect();
    let (c, o, src) =
        (conn["id"].as_str().unwrap(), out["id"].as_str().unwrap(), source["id"].as_str().unwrap());
    // The output goes first (clearing the connection's reference to it), then the
    // connection loses its source, then the source goes.
    assert_eq!(
        events,
        vec![
            ("connection:updated", c),
            ("source-output:deleted", o),
            ("connection:updated", c),
            ("source:deleted", src)
        ]
    );
    let (_, now) = s.get(&format!("{base}/connections/{c}")).await;
    assert_eq!((&now["sourceId"], &now["sourceOutputId"]), (&Value::Null, &Value::Null));

    // One undo brings all of it back, as it was.
    s.ok("POST", &format!("{base}/undo"), "ann", None).await;
    let (_, restored) = s.get(&format!("{base}/source-outputs/{o}")).await;
    assert_eq!(restored["sourceId"], source["id"]);
    let (_, now) = s.get(&format!("{base}/connections/{c}")).await;
    assert_eq!((&now["sourceId"], &now["sourceOutputId"]), (&source["id"], &out["id"]));
}

#[tokio::test]
async fn a_cable_goes_with_either_of_its_ports() {
    let s = TestServer::start().await;
    let pid = s.production("Gala").await;
    let device = Uuid::new_v4().to_string();
    let port = |label: &str, direction: &str| json!({"deviceId": device, "portLabel": label, "ioType": "SDI", "direction": direction});
    let a = s.create(&pid, "device-ports", port("Out 1", "output")).await;
    let b = s.create(&pid, "device-ports", port("In 1", "input")).await;
    let cable = s
        .create(&pid, "cables", json!({"outputPortId": a["id"], "inputPortId": b["id"], "cableType": "SDI"}))
        .await;
    let bogus =
        json!({"outputPortId": Uuid::new_v4().to_string(), "inputPortId": b["id"], "cableType": "SDI"});
    let (status, got) = s.post(&format!("/api/productions/{pid}/cables"), &bogus).await;
    assert_eq!(
        (status, got["details"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("outputPortId"))
    );

    s.ok(
        "DELETE",
        &format!("/api/productions/{pid}/device-ports/{}", b["id"].as_str().unwrap()),
        "ann",
        None,
    )
    .await;
    let (status, _) =
        s.get(&format!("/api/productions/{pid}/cables/{}", cable["id"].as_str().unwrap())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, ports) = s.get(&format!("/api/productions/{pid}/device-ports")).await;
    assert_eq!(ports.as_array().unwrap().len(), 1, "the other port stays");
}

#[tokio::test]
async fn display_ids_and_ip_addresses_are_unique_per_production() {
    let s = TestServer::start().await;
    let (pid, other) = (s.production("Gala").await, s.production("Other").await);
    s.create(&pid, "cameras", json!({"name": "A", "displayId": "CAM 1"})).await;
    s.create(&other, "cameras", json!({"name": "A", "displayId": "CAM 1"})).await;
    s.create(&pid, "ccus", json!({"name": "A", "displayId": "CAM 1"})).await;
    let b = s.create(&pid, "cameras", json!({"name": "B", "displayId": "CAM 2"})).await;
    let before = s.fingerprint().await;
    let (status, got) =
        s.post(&format!("/api/productions/{pid}/cameras"), &json!({"name": "C", "displayId": "CAM 1"})).await;
    assert_eq!(
        (status, got["error"].as_str(), got["details"]["field"].as_str()),
        (StatusCode::CONFLICT, Some("duplicate_value"), Some("displayId"))
    );
    let path = format!("/api/productions/{pid}/cameras/{}", b["id"].as_str().unwrap());
    let (status, got) = s.put(&path, "ann", &json!({"displayId": "CAM 1"})).await;
    assert_eq!((status, got["details"]["field"].as_str()), (StatusCode::CONFLICT, Some("displayId")));
    assert_eq!(s.fingerprint().await, before, "a refused duplicate changes nothing");
    let ip = json!({"ip": "10.0.0.1", "deviceName": "x", "category": "Control"});
    s.create(&pid, "ip-addresses", ip.clone()).await;
    let (status, got) = s.post(&format!("/api/productions/{pid}/ip-addresses"), &ip).await;
    assert_eq!((status, got["details"]["field"].as_str()), (StatusCode::CONFLICT, Some("ip")));
    s.create(&other, "ip-addresses", ip).await;
}

#[tokio::test]
async fn the_libraries_are_seeded_deep_and_an_item_in_use_is_archived_not_deleted() {
    let s = TestServer::start().await;
    let (_, all) = s.get("/api/equipment?includeArchived=true").await;
    let all = all.as_array().unwrap();
    let original: Vec<&Value> = all.iter().filter(|i| i["displayId"].is_string()).collect();
    assert_eq!(original.len(), 256, "the original's default library (one duplicate model merged)");
    let korona = original.iter().find(|i| i["displayId"] == "grass-valley-korona-k-frame").unwrap();
    assert_eq!(
        (korona["ioArchitecture"].as_str(), korona["cardSlots"].as_i64()),
        (Some("card-based"), Some(20))
    );
    assert_eq!(korona["cards"][0]["inputs"][0], json!({"id": "in-1", "type": "12G-SDI", "label": "Input 1"}));
    let hdcu = original.iter().find(|i| i["displayId"] == "sony-hdcu-5500").unwrap();
    assert_eq!(hdcu["outputs"][0]["format"], "1080i59.94");
    assert!(hdcu["deviceFormats"].as_array().unwrap().len() >= 4);
    let (_, cameras) = s.get("/api/equipment?category=ptz").await;
    assert_eq!(cameras.as_array().unwrap().len(), 7);
    let (_, formats) = s.get("/api/formats").await;
    assert_eq!(formats.as_array().unwrap().len(), 37);

    let pid = s.production("Gala").await;
    let hdcu_id = hdcu["id"].as_str().unwrap();
    s.create(&pid, "ccus", json!({"name": "CCU 1", "equipmentId": hdcu_id})).await;
    let (status, got) = s.send("DELETE", &format!("/api/equipment/{hdcu_id}"), "admin", None).await;
    assert_eq!(
        (status, got["error"].as_str(), got["details"]["usedBy"].as_str()),
        (StatusCode::CONFLICT, Some("in_use"), Some("ccu"))
    );
    let archived = s.ok("POST", &format!("/api/equipment/{hdcu_id}/archive"), "admin", None).await;
    assert_eq!(archived["archived"], true);
    let (_, listed) = s.get("/api/equipment?category=ccu").await;
    assert!(
        !listed.as_array().unwrap().iter().any(|i| i["id"] == hdcu["id"]),
        "archived items are not offered"
    );
    let (status, _) = s.get(&format!("/api/equipment/{hdcu_id}")).await;
    assert_eq!(status, StatusCode::OK, "but still readable by the shows that use it");
    s.ok("POST", &format!("/api/equipment/{hdcu_id}/unarchive"), "admin", None).await;
    let (_, listed) = s.get("/api/equipment?category=ccu").await;
    assert!(listed.as_array().unwrap().iter().any(|i| i["id"] == hdcu["id"]));

    let bad = json!({"name": "CCU 2", "equipmentId": Uuid::new_v4().to_string()});
    let (status, got) = s.post(&format!("/api/productions/{pid}/ccus"), &bad).await;
    assert_eq!(
        (status, got["details"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("equipmentId"))
    );

    let mine = s
        .ok(
            "POST",
            "/api/formats",
            "admin",
            Some(&json!({"displayId": "2560 x 1440 @ 60", "hRes": 2560, "vRes": 1440, "frameRate": 60})),
        )
        .await;
    let (status, got) = s
        .post("/api/formats", &json!({"displayId": "2560 x 1440 @ 60", "hRes": 1, "vRes": 1, "frameRate": 1}))
        .await;
    assert_eq!((status, got["details"]["field"].as_str()), (StatusCode::CONFLICT, Some("displayId")));
    let (status, got) =
        s.post("/api/formats", &json!({"displayId": "zero", "hRes": 0, "vRes": 1, "frameRate": 1})).await;
    assert_eq!((status, got["details"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("hRes")));
    let port = json!({"deviceId": Uuid::new_v4().to_string(), "portLabel": "DP 1", "ioType": "DP", "direction": "output", "formatId": mine["id"]});
    s.create(&pid, "device-ports", port).await;
    let (status, got) =
        s.send("DELETE", &format!("/api/formats/{}", mine["id"].as_str().unwrap()), "admin", None).await;
    assert_eq!((status, got["details"]["usedBy"].as_str()), (StatusCode::CONFLICT, Some("device-port")));
}
