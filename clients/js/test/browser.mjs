// Two people in real Chromium (Debian's, driven by playwright-core) edit one production on
// the demo page served by a real server (PRODSYNC_URL). Run by tests/tests/client_js.rs.
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { chromium } from "playwright-core";

const BASE = process.env.PRODSYNC_URL ?? "http://127.0.0.1:3010";
const SHOTS = process.env.SCREENSHOT_DIR ?? new URL("../../../target/screenshots/", import.meta.url).pathname;
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

async function api(method, path, body, user = "ann") {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { "content-type": "application/json", "x-user-id": user },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const step = (what) => console.log(`- ${what}`);
const cellOf = (page, path, id, field) => page.locator(`table[data-path="${path}"] tr[data-id="${id}"] input[data-field="${field}"]`);

const pid = (await api("POST", "/api/productions", { showName: "Summer Festival", client: "Live Nation" })).id;
const cam = await api("POST", `/api/productions/${pid}/cameras`, { name: "Cam 1", model: "HDC-3500", lensType: "22x" });
await api("POST", `/api/productions/${pid}/cameras`, { name: "Cam 2", model: "HDC-5500" });
const src = await api("POST", `/api/productions/${pid}/sources`, { name: "Playback A", type: "Laptop - MAC GFX", hRes: 1920, vRes: 1080 });
await api("POST", `/api/productions/${pid}/checklist-items`, { title: "Book crew", assignedTo: "Ann" });

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"], headless: true });
try {
  const [annCtx, bobCtx] = [await browser.newContext({ viewport: { width: 1280, height: 720 } }), await browser.newContext({ viewport: { width: 1280, height: 720 } })];
  const [ann, bob] = [await annCtx.newPage(), await bobCtx.newPage()];
  for (const p of [ann, bob]) p.on("pageerror", (e) => console.error("page error:", e.message));
  await ann.goto(`${BASE}/?user=ann&name=Ann#/p/${pid}`);
  await bob.goto(`${BASE}/?user=bob&name=Bob#/p/${pid}`);
  for (const p of [ann, bob]) {
    await p.locator('[data-testid="conn"][data-state="online"]').waitFor();
    await cellOf(p, "cameras", cam.id, "model").waitFor();
  }
  step("both pages are online with the production loaded");

  // An edit in one appears in the other within a second.
  await cellOf(ann, "cameras", cam.id, "model").fill("HDC-F5500");
  const t0 = Date.now();
  await cellOf(ann, "cameras", cam.id, "model").press("Enter");
  await bob.waitForFunction(
    ([id]) => document.querySelector(`tr[data-id="${id}"] input[data-field="model"]`)?.value === "HDC-F5500",
    [cam.id],
    { timeout: 1000 },
  );
  step(`Ann's edit reached Bob in ${Date.now() - t0} ms`);

  // Bob's avatar shows on the field he is editing, in Ann's window.
  await cellOf(bob, "cameras", cam.id, "note").click();
  await ann.locator(`tr[data-id="${cam.id}"] td[data-field="note"] .avatar[data-user="bob"]`).waitFor({ timeout: 2000 });
  step("Bob's avatar shows on the note he is editing");
  await ann.screenshot({ path: `${SHOTS}/demo-ann.png` });
  await bob.screenshot({ path: `${SHOTS}/demo-bob.png` });

  // Bob goes offline, edits two cells, comes back: both land once, in order.
  await bobCtx.setOffline(true);
  await bob.locator('[data-testid="conn"]:not([data-state="online"])').waitFor();
  await cellOf(bob, "cameras", cam.id, "lensType").fill("86x box");
  await cellOf(bob, "cameras", cam.id, "lensType").press("Enter");
  await cellOf(bob, "sources", src.id, "name").fill("Playback B");
  await cellOf(bob, "sources", src.id, "name").press("Enter");
  await bob.locator("#pending", { hasText: "2 edits waiting" }).waitFor();
  step("offline, Bob's two edits wait in his queue");
  await bobCtx.setOffline(false);
  await ann.waitForFunction(
    ([camId, srcId]) =>
      document.querySelector(`tr[data-id="${camId}"] input[data-field="lensType"]`)?.value === "86x box" &&
      document.querySelector(`tr[data-id="${srcId}"] input[data-field="name"]`)?.value === "Playback B",
    [cam.id, src.id],
    { timeout: 10000 },
  );
  await bob.waitForFunction(() => document.querySelector("#pending")?.textContent === "", null, { timeout: 5000 });
  const log = await api("GET", `/api/productions/${pid}/changes?since=0`);
  const bobs = log.events.filter((e) => e.data.userId === "bob").map((e) => `${e.event} ${e.data.changedFields}`);
  assert.deepEqual(bobs, ["camera:updated lensType", "source:updated name"], "each offline edit once, in order");
  step("back online, both edits landed once and in order");

  // Undo in one window is seen in the other.
  await ann.locator("#undo").click();
  await bob.waitForFunction(
    ([id]) => document.querySelector(`tr[data-id="${id}"] input[data-field="model"]`)?.value === "HDC-3500",
    [cam.id],
    { timeout: 2000 },
  );
  await ann.locator("#activity li", { hasText: "undo" }).first().waitFor();
  step("Ann's undo reached Bob, and the activity feed shows it");

  // Next year's show from this one: a new production with the same gear, new ids.
  const title = await ann.locator("#title").textContent();
  await ann.locator("#duplicate").click();
  await ann.locator("#title", { hasText: `${title} (copy)` }).waitFor({ timeout: 5000 });
  const copyId = new URL(ann.url()).hash.slice(4);
  assert.notEqual(copyId, pid);
  const copy = await api("GET", `/api/productions/${copyId}/snapshot`);
  const original = await api("GET", `/api/productions/${pid}/snapshot`);
  assert.equal(copy.entities.cameras.length, original.entities.cameras.length);
  assert.ok(!copy.entities.cameras.some((c) => c.id === cam.id), "the copy has its own ids");
  await ann.locator(`tr[data-id="${copy.entities.cameras[0].id}"]`).waitFor({ timeout: 5000 });
  step("Duplicate made a copy of the show and opened it");
  console.log("browser test passed");
} finally {
  await browser.close();
}
