//! A production as a file and a new show from an old one, over real HTTP: the 237-entity
//! show exported and imported back equal field for field (new ids and kept ids), a copy
//! whose references point inside the copy, bad files refused with nothing written, and
//! access in jwt mode.

use std::collections::HashMap;

use prodsync_e2e::show::Show;
use prodsync_e2e::{token, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn loaded_show(s: &TestServer) -> (String, Show) {
    let (status, p) =
        s.post("/api/productions", &json!({"showName": "Live Concert Special", "client": "XYZ"})).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_str().unwrap().to_owned();
    let show = Show::build(s).await;
    show.load(s, &pid).await;
    (pid, show)
}

/// "Gala": a CCU and a camera on it.
async fn small_show(s: &TestServer) -> String {
    let (status, p) = s.post("/api/productions", &json!({"showName": "Gala", "client": "ACME"})).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_str().unwrap();
    let ccu = s.create(pid, "ccus", json!({"displayId": "CCU 1", "name": "CCU"})).await;
    s.create(pid, "cameras", json!({"displayId": "CAM 1", "name": "Cam", "ccuId": ccu["id"]})).await;
    pid.to_owned()
}

/// Every entity of a snapshot by display id (unique per type and production), with the
/// fields a client writes; ids and references as display ids, so two productions compare.
fn by_label(snapshot: &Value) -> HashMap<String, Value> {
    let mut label_of: HashMap<String, String> = HashMap::new();
    for (path, list) in snapshot["entities"].as_object().unwrap() {
        for e in list.as_array().unwrap() {
            label_of.insert(
                e["id"].as_str().unwrap().to_owned(),
                format!("{path}:{}", e["displayId"].as_str().unwrap()),
            );
        }
    }
    let mut out = HashMap::new();
    for list in snapshot["entities"].as_object().unwrap().values() {
        for e in list.as_array().unwrap() {
            let mut fields = e.as_object().unwrap().clone();
            for meta in [
                "id",
                "productionId",
                "version",
                "fieldVersions",
                "lastModifiedBy",
                "createdAt",
                "updatedAt",
                "completedAt",
            ] {
                fields.remove(meta);
            }
            for v in fields.values_mut() {
                if let Some(label) = v.as_str().and_then(|s| label_of.get(s)) {
                    *v = json!(label);
                }
            }
            out.insert(label_of[e["id"].as_str().unwrap()].clone(), Value::Object(fields));
        }
    }
    out
}

#[tokio::test]
async fn export_then_import_gives_the_same_show_field_for_field() {
    let s = TestServer::start().await;
    let (pid, show) = loaded_show(&s).await;
    let (status, file) = s.get(&format!("/api/productions/{pid}/export")).await;
    assert_eq!(status, StatusCode::OK, "{file}");
    assert_eq!((file["format"].as_str(), file["version"].as_u64()), (Some("prodsync.production"), Some(1)));
    let (_, before) = s.get(&format!("/api/productions/{pid}/snapshot")).await;

    // New ids: a second production, equal but for its ids.
    let (status, made) = s.post("/api/productions/import", &file).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["entities"].as_u64(), Some(show.ops.len() as u64));
    let copy = made["production"]["id"].as_str().unwrap();
    assert_ne!(copy, pid);
    let (_, after) = s.get(&format!("/api/productions/{copy}/snapshot")).await;
    assert_eq!(by_label(&after), by_label(&before));
    assert_eq!(after["production"]["showName"], before["production"]["showName"]);
    let ids_before: Vec<&str> =
        before["entities"]["cameras"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert!(after["entities"]["cameras"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| !ids_before.contains(&c["id"].as_str().unwrap())));

    // Kept ids: refused while the original holds them, and nothing of it written.
    let (status, refused) = s.post("/api/productions/import?ids=keep", &file).await;
    assert_eq!((status, refused["error"].as_str()), (StatusCode::CONFLICT, Some("id_conflict")), "{refused}");
    let (_, list) = s.get("/api/productions").await;
    assert_eq!(list.as_array().map(Vec::len), Some(2), "nothing written");
    // After the original is deleted, the same ids come back (a restore).
    assert_eq!(s.send("DELETE", &format!("/api/productions/{pid}"), "ann", None).await.0, StatusCode::OK);
    let (status, restored) = s.post("/api/productions/import?ids=keep", &file).await;
    assert_eq!(status, StatusCode::CREATED, "{restored}");
    assert_eq!(restored["production"]["id"].as_str(), Some(pid.as_str()));
    let (_, back) = s.get(&format!("/api/productions/{pid}/snapshot")).await;
    assert_eq!(by_label(&back), by_label(&before));
    assert_eq!(ids(&back), ids(&before), "the same ids as before");
}

fn ids(snapshot: &Value) -> std::collections::BTreeSet<String> {
    let lists = snapshot["entities"].as_object().unwrap().values();
    lists.flat_map(|l| l.as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned())).collect()
}

#[tokio::test]
async fn a_duplicate_copies_what_is_asked_with_references_inside_the_copy() {
    let s = TestServer::start().await;
    let (pid, _) = loaded_show(&s).await;
    // One task done in this year's show: the copy for next year starts it again.
    let (_, before) = s.get(&format!("/api/productions/{pid}/snapshot")).await;
    let task = before["entities"]["checklist-items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/productions/{pid}/checklist-items/{task}");
    assert_eq!(s.put(&path, "ann", &json!({"completed": true})).await.0, StatusCode::OK);
    let (status, made) = s
        .post(&format!("/api/productions/{pid}/duplicate"), &json!({"showName": "Live Concert Special 2027",
            "include": ["ccus", "cameras", "device-ports", "cables", "switchers", "checklist-items"], "resetChecklist": true}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let copy = made["production"]["id"].as_str().unwrap();
    assert_eq!(made["production"]["showName"], "Live Concert Special 2027");
    let (_, snap) = s.get(&format!("/api/productions/{copy}/snapshot")).await;
    let ids = |path: &str| -> Vec<String> {
        snap["entities"][path]
            .as_array()
            .map(|l| l.iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    let ports = ids("device-ports");
    assert!(!ports.is_empty());
    for cable in snap["entities"]["cables"].as_array().unwrap() {
        for end in ["outputPortId", "inputPortId"] {
            assert!(
                ports.contains(&cable[end].as_str().unwrap().to_owned()),
                "a copied cable points at copied ports"
            );
        }
    }
    let ccus = ids("ccus");
    for cam in snap["entities"]["cameras"].as_array().unwrap() {
        if let Some(ccu) = cam["ccuId"].as_str() {
            assert!(ccus.contains(&ccu.to_owned()), "a copied camera points at a copied CCU");
        }
    }
    assert!(snap["entities"]["checklist-items"].as_array().unwrap().iter().all(|c| c["completed"] == false));
    assert_eq!(snap["entities"]["sources"], json!([]), "types not asked for are not copied");
    // The source production did not change.
    let (_, source) = s.get(&format!("/api/productions/{pid}/snapshot")).await;
    assert!(source["entities"]["checklist-items"].as_array().unwrap().iter().any(|c| c["completed"] == true));
}

#[tokio::test]
async fn bad_files_are_refused_naming_the_problem_and_write_nothing() {
    let s = TestServer::start().await;
    let pid = &small_show(&s).await;
    let (_, file) = s.get(&format!("/api/productions/{pid}/export")).await;

    let mut other_version = file.clone();
    other_version["version"] = json!(2);
    let mut dangling = file.clone();
    dangling["entities"]["cameras"] = json!([{"id": "00000000-0000-0000-0000-0000000000aa", "name": "Cam",
        "ccuId": "00000000-0000-0000-0000-0000000000bb"}]);
    let truncated = &file.to_string()[..file.to_string().len() / 2];
    let cases: Vec<(&str, Option<Value>, &str)> = vec![
        ("another version", Some(other_version), "version"),
        ("a reference outside the file", Some(dangling), "entities.cameras[0].ccuId"),
        ("a truncated file", None, ""),
    ];
    for (what, body, field) in cases {
        let (status, got) = match body {
            Some(b) => s.post("/api/productions/import", &b).await,
            None => {
                let res = s
                    .http
                    .post(s.url("/api/productions/import"))
                    .header("x-user-id", "ann")
                    .header("content-type", "application/json")
                    .body(truncated.to_owned())
                    .send()
                    .await
                    .unwrap();
                (res.status(), res.json().await.unwrap())
            }
        };
        assert!(status.is_client_error(), "{what}: {status} {got}");
        if !field.is_empty() {
            assert_eq!(got["details"]["field"].as_str(), Some(field), "{what}: {got}");
        }
    }
    let (_, list) = s.get("/api/productions").await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "nothing was written");
}

#[tokio::test]
async fn export_needs_the_owner_and_import_makes_the_caller_owner() {
    let s = TestServer::start_jwt(|_| {}).await;
    let olga = token("olga", false);
    let p = s
        .call_ok("POST", "/api/productions", &olga, Some(&json!({"showName": "Gala", "client": "ACME"})))
        .await;
    let pid = p["id"].as_str().unwrap();
    s.call_ok("PUT", &format!("/api/productions/{pid}/members/ed"), &olga, Some(&json!({"role": "editor"})))
        .await;
    let export = format!("/api/productions/{pid}/export");
    assert_eq!(s.call("GET", &export, &token("ed", false), None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(s.call("GET", &export, &token("nick", false), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(s.call("GET", &export, "", None).await.0, StatusCode::UNAUTHORIZED);
    let file = s.call_ok("GET", &export, &olga, None).await;
    assert_eq!(file["members"].as_array().map(Vec::len), Some(2));
    // Nick imports it: his production, with the file's members kept.
    let made = s.call_ok("POST", "/api/productions/import", &token("nick", false), Some(&file)).await;
    let copy = made["production"]["id"].as_str().unwrap();
    let members =
        s.call_ok("GET", &format!("/api/productions/{copy}/members"), &token("nick", false), None).await;
    let roles: HashMap<&str, &str> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["userId"].as_str().unwrap(), m["role"].as_str().unwrap()))
        .collect();
    assert_eq!(roles.get("nick"), Some(&"owner"));
    assert_eq!(roles.get("ed"), Some(&"editor"));
    // A duplicate needs to see the source.
    let dup = format!("/api/productions/{pid}/duplicate");
    assert_eq!(s.call("POST", &dup, &token("nick", false), Some(&json!({}))).await.0, StatusCode::NOT_FOUND);
    assert_eq!(s.call("POST", &dup, &token("ed", false), Some(&json!({}))).await.0, StatusCode::CREATED);
}

#[tokio::test]
async fn the_command_line_exports_and_imports_the_same_file() {
    let s = TestServer::start().await;
    let pid = &small_show(&s).await;
    let dir = std::env::temp_dir().join(format!("prodsync-export-{pid}"));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("gala.json");
    let cli = |args: Vec<String>| prodsync_e2e::cluster::command(&s.db.url, args);
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let run = |a: Vec<String>| async {
        let out = cli(a).await;
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    run(args(&["export", "--production", pid, "--out", file.to_str().unwrap()])).await;
    let exported: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let (_, over_http) = s.get(&format!("/api/productions/{pid}/export")).await;
    assert_eq!(exported["entities"], over_http["entities"], "the CLI and the API write the same file");

    let said = run(args(&["import", "file", file.to_str().unwrap(), "--owner", "olga"])).await;
    assert!(said.contains("2 entities"), "{said}");
    let (_, list) = s.get("/api/productions").await;
    let copy =
        list.as_array().unwrap().iter().find(|p| p["id"] != json!(pid)).expect("the imported production");
    let (_, snap) = s.get(&format!("/api/productions/{}/snapshot", copy["id"].as_str().unwrap())).await;
    let cam = &snap["entities"]["cameras"][0];
    assert_eq!(cam["ccuId"], snap["entities"]["ccus"][0]["id"], "the copy's camera points at the copy's CCU");
    assert_eq!(cam["lastModifiedBy"], "olga");
    // A second import with the same ids is refused whole.
    let out = cli(args(&["import", "file", file.to_str().unwrap(), "--keep-ids"])).await;
    assert!(!out.status.success());
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("nothing was written"), "{said}");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn its_author_undoes_a_duplicate_as_one_step() {
    let s = TestServer::start().await;
    let pid = &small_show(&s).await;
    let (status, made) =
        s.post(&format!("/api/productions/{pid}/duplicate"), &json!({"showName": "Gala 2"})).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let copy = made["production"]["id"].as_str().unwrap();
    let (status, undone) = s.post(&format!("/api/productions/{copy}/undo"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{undone}");
    assert_eq!(
        s.get(&format!("/api/productions/{copy}")).await.0,
        StatusCode::NOT_FOUND,
        "the whole copy is gone"
    );
    let (_, original) = s.get(&format!("/api/productions/{pid}/snapshot")).await;
    assert_eq!(
        original["entities"]["cameras"].as_array().map(Vec::len),
        Some(1),
        "the original is untouched"
    );
}

#[tokio::test]
async fn a_file_carries_the_library_items_it_uses_to_another_server() {
    let here = TestServer::start().await;
    let (status, custom) = here
        .post("/api/equipment", &json!({"manufacturer": "Acme", "model": "X1 Custom", "category": "camera", "displayId": "acme-x1"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{custom}");
    let pid = small_show(&here).await;
    let (_, cams) = here.get(&format!("/api/productions/{pid}/cameras")).await;
    let cam = cams[0]["id"].as_str().unwrap();
    here.ok(
        "PUT",
        &format!("/api/productions/{pid}/cameras/{cam}"),
        "ann",
        Some(&json!({"equipmentId": custom["id"]})),
    )
    .await;
    let (_, file) = here.get(&format!("/api/productions/{pid}/export")).await;
    assert_eq!(file["library"]["equipment"].as_array().map(Vec::len), Some(1), "only what the show uses");
    assert_eq!(file["library"]["equipment"][0]["model"], "X1 Custom");

    let there = TestServer::start().await;
    let (_, before) = there.get("/api/equipment").await;
    for round in 0..2 {
        let (status, made) = there.post("/api/productions/import", &file).await;
        assert_eq!(status, StatusCode::CREATED, "round {round}: {made}");
        assert_eq!(made["entities"], 2);
        let copy = made["production"]["id"].as_str().unwrap();
        let (_, cams) = there.get(&format!("/api/productions/{copy}/cameras")).await;
        assert_eq!(cams[0]["equipmentId"], custom["id"]);
    }
    let (_, after) = there.get("/api/equipment").await;
    assert_eq!(
        after.as_array().unwrap().len(),
        before.as_array().unwrap().len() + 1,
        "added once, then used"
    );

    let mut bad = file.clone();
    bad["library"]["equipment"][0]["category"] = json!("toaster");
    let (status, answer) = there.post("/api/productions/import", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(answer.to_string().contains("library.equipment[0].category"), "{answer}");
}
