//! The activity feed over real HTTP: a scripted session by two users, then the feed read
//! whole, by entity, by user and in pages, item by item.

use prodsync_e2e::TestServer;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A write as `user` named `name`; returns the body.
async fn write(
    s: &TestServer,
    method: &str,
    path: &str,
    user: &str,
    name: &str,
    body: Option<Value>,
) -> Value {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = s.http.request(method, s.url(path)).header("x-user-id", user).header("x-user-name", name);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.json().await.unwrap()
}

/// (seq, user, action, type, name, [(field, from, to)]) of each item.
type Line = (i64, String, String, String, Option<String>, Vec<(String, Value, Value)>);

fn lines(page: &Value) -> Vec<Line> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let changes = i["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c["field"].as_str().unwrap().to_owned(), c["from"].clone(), c["to"].clone()))
                .collect();
            (
                i["seq"].as_i64().unwrap(),
                i["userName"].as_str().unwrap_or("-").to_owned(),
                i["action"].as_str().unwrap().to_owned(),
                i["entityType"].as_str().unwrap().to_owned(),
                i["entityName"].as_str().map(str::to_owned),
                changes,
            )
        })
        .collect()
}

fn line(seq: i64, user: &str, action: &str, ty: &str, name: &str, changes: &[(&str, Value, Value)]) -> Line {
    let changes = changes.iter().map(|(f, a, b)| ((*f).to_owned(), a.clone(), b.clone())).collect();
    (seq, user.into(), action.into(), ty.into(), Some(name.into()), changes)
}

#[tokio::test]
async fn the_feed_tells_who_changed_what_filtered_and_paged() {
    let s = TestServer::start().await;
    let p = write(
        &s,
        "POST",
        "/api/productions",
        "ann",
        "Ann",
        Some(json!({"showName": "Gala", "client": "ACME"})),
    )
    .await;
    let pid = p["id"].as_str().unwrap();
    let base = format!("/api/productions/{pid}");
    let cam =
        write(&s, "POST", &format!("{base}/cameras"), "ann", "Ann", Some(json!({"name": "Cam 1"}))).await; // 2
    let cam_path = format!("{base}/cameras/{}", cam["id"].as_str().unwrap());
    write(&s, "PUT", &cam_path, "bob", "Bob", Some(json!({"model": "HDC-5500"}))).await; // 3
    write(&s, "PUT", &cam_path, "ann", "Ann", Some(json!({"name": "Cam A", "note": "jib"}))).await; // 4
    let item = write(
        &s,
        "POST",
        &format!("{base}/checklist-items"),
        "bob",
        "Bob",
        Some(json!({"title": "Book crew"})),
    )
    .await; // 5
    write(&s, "DELETE", &cam_path, "bob", "Bob", None).await; // 6
    let item_id = item["id"].as_str().unwrap();

    let (status, all) = s.get(&format!("{base}/activity")).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    let want = vec![
        line(6, "Bob", "deleted", "camera", "Cam A", &[]),
        line(
            5,
            "Bob",
            "created",
            "checklist-item",
            "Book crew",
            &[("title", json!(null), json!("Book crew"))],
        ),
        line(
            4,
            "Ann",
            "updated",
            "camera",
            "Cam A",
            &[("name", json!("Cam 1"), json!("Cam A")), ("note", json!(null), json!("jib"))],
        ),
        line(3, "Bob", "updated", "camera", "Cam 1", &[("model", json!(null), json!("HDC-5500"))]),
        line(2, "Ann", "created", "camera", "Cam 1", &[("name", json!(null), json!("Cam 1"))]),
        line(
            1,
            "Ann",
            "created",
            "production",
            "Gala",
            &[("showName", json!(null), json!("Gala")), ("client", json!(null), json!("ACME"))],
        ),
    ];
    assert_eq!(lines(&all), want);
    assert_eq!(all["nextBefore"], Value::Null);
    let first = &all["items"][0];
    assert_eq!((first["userId"].as_str(), first["entityId"].as_str()), (Some("bob"), cam["id"].as_str()));
    assert!(first["timestamp"].as_str().unwrap().ends_with('Z'));

    // One entity: the camera's whole life, and nothing of the checklist.
    let (_, cam_only) =
        s.get(&format!("{base}/activity?entityType=camera&entityId={}", cam["id"].as_str().unwrap())).await;
    assert_eq!(lines(&cam_only), [&want[0], &want[2], &want[3], &want[4]].map(Clone::clone));
    let (_, item_only) = s.get(&format!("{base}/activity?entityId={item_id}")).await;
    assert_eq!(lines(&item_only), [want[1].clone()]);
    // One user.
    let (_, bob) = s.get(&format!("{base}/activity?userId=bob")).await;
    assert_eq!(lines(&bob), [&want[0], &want[1], &want[3]].map(Clone::clone));
    // Pages of two, following nextBefore, give the whole feed in order.
    let mut paged = Vec::new();
    let mut url = format!("{base}/activity?limit=2");
    let mut pages = 0;
    loop {
        let (_, page) = s.get(&url).await;
        pages += 1;
        assert!(page["items"].as_array().unwrap().len() <= 2);
        paged.extend(lines(&page));
        match page["nextBefore"].as_i64() {
            Some(before) => url = format!("{base}/activity?limit=2&before={before}"),
            None => break,
        }
    }
    assert_eq!((pages, paged), (3, want.clone()));
    // Filters and paging together.
    let (_, page) = s.get(&format!("{base}/activity?userId=ann&limit=1&before=4")).await;
    assert_eq!((lines(&page), page["nextBefore"].as_i64()), (vec![want[4].clone()], Some(2)));

    for bad in ["limit=0", "limit=201", "before=0", "entityType=toaster", "entityId=x", "userId="] {
        let (status, got) = s.get(&format!("{base}/activity?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {got}");
    }
    let (status, _) = s.get(&format!("/api/productions/{}/activity", uuid::Uuid::new_v4())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
