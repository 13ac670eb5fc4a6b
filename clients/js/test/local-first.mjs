// The local-first client in real Chromium (Debian's, driven by playwright-core) on the demo
// page, against a real server in jwt mode (PRODSYNC_URL, PRODSYNC_JWT_SECRET): the device
// cache, the per-author write queue, rollback of a refused edit, a closed tab's writes sent
// by another tab, and a reopen that reads no snapshot. Run by tests/tests/client_js.rs.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { chromium } from "playwright-core";

const BASE = process.env.PRODSYNC_URL ?? "http://127.0.0.1:3010";
const SECRET = process.env.PRODSYNC_JWT_SECRET ?? "";
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
assert.ok(SECRET, "PRODSYNC_JWT_SECRET: the server's jwt secret");

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
function token(sub) {
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub, name: sub.toUpperCase(), exp: Math.floor(Date.now() / 1000) + 3600 })}`;
  return `${body}.${createHmac("sha256", SECRET).update(body).digest("base64url")}`;
}

async function api(method, path, body, user = "ann") {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${token(user)}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A show owned by ann, with bob an editor and vic a viewer, and one camera. */
async function show(name) {
  const pid = (await api("POST", "/api/productions", { showName: name, client: "Live Nation" })).id;
  await api("PUT", `/api/productions/${pid}/members/bob`, { role: "editor" });
  await api("PUT", `/api/productions/${pid}/members/vic`, { role: "viewer" });
  const cam = await api("POST", `/api/productions/${pid}/cameras`, { name: "Cam 1", model: "HDC-3500", lensType: "22x" });
  return { pid, cam: cam.id };
}

/** The camera's updates in the change log, as "user field,field". */
async function updates(pid) {
  const log = await api("GET", `/api/productions/${pid}/changes?since=0`);
  return log.events.filter((e) => e.event === "camera:updated").map((e) => `${e.data.userId} ${e.data.changedFields}`);
}

const step = (what) => console.log(`- ${what}`);
const cell = (page, id, field) => page.locator(`table[data-path="cameras"] tr[data-id="${id}"] input[data-field="${field}"]`);
const url = (user, pid) => `${BASE}/?token=${token(user)}#/p/${pid}`;

async function edit(page, id, field, value) {
  await cell(page, id, field).fill(value);
  await cell(page, id, field).press("Enter");
}

/** Online, the production shown, its copy (at the current seq) in the cache and the page's files kept. */
async function ready(page, pid, id) {
  await page.locator('[data-testid="conn"][data-state="online"]').waitFor();
  await cell(page, id, "model").waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  const head = (await api("GET", `/api/productions/${pid}/changes?since=0&limit=1`)).headSeq;
  await page.waitForFunction(
    ([pid, head]) =>
      new Promise((resolve) => {
        const open = indexedDB.open("prodsync-cache");
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("values")) return resolve(false);
          const all = db.transaction("values").objectStore("values").getAll();
          all.onsuccess = () => resolve(all.result.some((v) => v?.production?.id === pid && v.seq === head));
        };
        open.onerror = () => resolve(false);
      }),
    [pid, head],
    { polling: 100 },
  );
}

const pending = (page, text) => page.locator("#pending", { hasText: text }).waitFor({ timeout: 10000 });
const settled = (page) => page.waitForFunction(() => document.querySelector("#pending")?.textContent === "", null, { timeout: 10000 });

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"], headless: true });
try {
  const context = () => browser.newContext({ viewport: { width: 1280, height: 720 } });

  {
    const { pid, cam } = await show("Offline reload");
    const ctx = await context();
    const page = await ctx.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await page.goto(url("ann", pid));
    await ready(page, pid, cam);
    await ctx.setOffline(true);
    await page.reload();
    await page.locator('body[data-cached="true"]').waitFor();
    assert.equal(await cell(page, cam, "model").inputValue(), "HDC-3500");
    step("offline, the reloaded page shows the production from the device cache");
    await edit(page, cam, "lensType", "86x box");
    await pending(page, "1 edit waiting");
    await ctx.setOffline(false);
    await settled(page);
    assert.deepEqual(await updates(pid), ["ann lensType"]);
    step("the edit made offline landed once when the page was back online");
    await ctx.close();
  }

  {
    const { pid, cam } = await show("Two accounts, one browser");
    const ctx = await context();
    const [ann, bob] = [await ctx.newPage(), await ctx.newPage()];
    await ann.goto(url("ann", pid));
    await bob.goto(url("bob", pid));
    await ready(ann, pid, cam);
    await ready(bob, pid, cam);
    await ctx.setOffline(true);
    await edit(ann, cam, "note", "from Ann");
    await edit(bob, cam, "model", "from Bob");
    await pending(ann, "1 edit waiting to be sent; 1 from another account");
    await pending(bob, "1 edit waiting to be sent; 1 from another account");
    step("offline, each window counts its own edit and the other account's");
    await ctx.setOffline(false);
    await settled(ann);
    await settled(bob);
    const got = (await updates(pid)).sort();
    assert.deepEqual(got, ["ann note", "bob model"], "each once, under its author");
    await ann.locator("#activity li", { hasText: "BOB" }).first().waitFor();
    await ann.locator("#activity li", { hasText: "ANN" }).first().waitFor();
    step("back online, each edit landed once under its author, and the activity feed says so");
    await ctx.close();
  }

  {
    const { pid, cam } = await show("Read only");
    const ctx = await context();
    const page = await ctx.newPage();
    await page.goto(url("vic", pid));
    await page.locator('[data-testid="conn"][data-state="online"]').waitFor();
    await cell(page, cam, "model").waitFor();
    await edit(page, cam, "model", "HDC-F5500");
    await page.locator("#notice", { hasText: "Your change to Cam 1's model was refused" }).waitFor();
    await page.waitForFunction(([id]) => document.querySelector(`tr[data-id="${id}"] input[data-field="model"]`)?.value === "HDC-3500", [cam]);
    assert.deepEqual(await updates(pid), []);
    step("a viewer's edit was refused, rolled back on screen, and the notice says why");
    await ctx.close();
  }

  {
    const { pid, cam } = await show("Closed tab");
    const ctx = await context();
    const first = await ctx.newPage();
    await first.goto(url("ann", pid));
    await ready(first, pid, cam);
    await ctx.setOffline(true);
    await edit(first, cam, "note", "written in a closed tab");
    await pending(first, "1 edit waiting");
    await first.close();
    await ctx.setOffline(false);
    const second = await ctx.newPage();
    await second.goto(url("ann", pid));
    await settled(second);
    await second.waitForFunction(([id]) => document.querySelector(`tr[data-id="${id}"] input[data-field="note"]`)?.value === "written in a closed tab", [cam]);
    assert.deepEqual(await updates(pid), ["ann note"]);
    step("a tab closed with a pending edit: another tab of the same user sent it, once");
    await ctx.close();
  }

  {
    const { pid, cam } = await show("One behind");
    const ctx = await context();
    const page = await ctx.newPage();
    await page.goto(url("ann", pid));
    await ready(page, pid, cam);
    await page.goto("about:blank");
    await api("PUT", `/api/productions/${pid}/cameras/${cam}`, { model: "HDC-F5500" }, "bob");
    const asked = [];
    page.on("request", (r) => asked.push(new URL(r.url()).pathname));
    await page.goto(url("ann", pid));
    await page.waitForFunction(([id]) => document.querySelector(`tr[data-id="${id}"] input[data-field="model"]`)?.value === "HDC-F5500", [cam]);
    assert.deepEqual(asked.filter((p) => p.endsWith("/snapshot") || p.includes("/changes")), [], "the room sent the missed event");
    step(`reopened one event behind: no snapshot, no change-log request (${asked.filter((p) => p.startsWith("/api/")).length} API requests)`);
    await ctx.close();
  }
  console.log("local-first test passed");
} finally {
  await browser.close();
}
