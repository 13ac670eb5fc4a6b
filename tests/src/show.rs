//! A touring concert of real size (237 entities of every type, references between them,
//! library items), shared by the data-model and the export/import tests.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::TestServer;

/// The library item with this original key (`displayId`).
pub async fn library_id(s: &TestServer, library: &str, key: &str) -> Value {
    let (_, items) = s.get(&format!("/api/{library}?includeArchived=true")).await;
    let item = items.as_array().unwrap().iter().find(|i| i["displayId"] == key);
    item.unwrap_or_else(|| panic!("{library} {key} is seeded"))["id"].clone()
}

/// A touring concert, as the original app's "Live Concert Special" sample would hold it
/// once a crew had planned it: every type, references between them, library items.
pub struct Show {
    /// (path, body with a client-chosen id) in an order where targets come first.
    pub ops: Vec<(&'static str, Value)>,
}

impl Show {
    pub fn add(&mut self, path: &'static str, mut body: Value) -> Value {
        let id = json!(Uuid::new_v4().to_string());
        body["id"] = id.clone();
        self.ops.push((path, body));
        id
    }

    pub async fn build(s: &TestServer) -> Show {
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

impl Show {
    /// Loads it into a production as a crew's tool would: atomic batches.
    pub async fn load(&self, s: &TestServer, pid: &str) {
        for chunk in self.ops.chunks(250) {
            let ops: Vec<Value> = chunk
                .iter()
                .map(|(path, body)| json!({"op": "create", "entity": path, "body": body}))
                .collect();
            let (status, got) =
                s.post(&format!("/api/productions/{pid}/batch"), &json!({"operations": ops})).await;
            assert_eq!(status, reqwest::StatusCode::OK, "{got}");
        }
    }
}
