//! The original app's whole data model over real HTTP: a realistic show loaded and read
//! back field for field, references across the new types, display ids, the libraries.

use std::collections::HashMap;

use prodsync_e2e::TestServer;
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use prodsync_e2e::show::Show;

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
