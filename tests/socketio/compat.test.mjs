// The Socket.IO compatibility layer, driven by the real socket.io-client the original
// Video Production Manager uses. Run by tests/tests/compat.rs against a real server
// (PRODSYNC_URL); `npm test` here runs it against any server you point it at.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";

const BASE = process.env.PRODSYNC_URL ?? "http://127.0.0.1:8080";
const API = `${BASE}/compat/api`;
const sockets = [];
after(() => sockets.forEach((s) => s.close()));

async function rest(method, path, body, headers = {}) {
  const res = await fetch(path.startsWith("http") ? path : `${API}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Resolves with the first `event` whose payload passes `pred`, or fails after `ms`. */
function next(socket, event, pred = () => true, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, on);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    function on(data) {
      if (!pred(data)) return;
      clearTimeout(timer);
      socket.off(event, on);
      resolve(data);
    }
    socket.on(event, on);
  });
}

/** Resolves with the first `n` payloads of `event` (from now on), or fails after `ms`. */
function collect(socket, event, n, ms = 5000) {
  return new Promise((resolve, reject) => {
    const got = [];
    const timer = setTimeout(() => {
      socket.off(event, on);
      reject(new Error(`${got.length} of ${n} ${event} within ${ms} ms`));
    }, ms);
    function on(data) {
      got.push(data);
      if (got.length < n) return;
      clearTimeout(timer);
      socket.off(event, on);
      resolve(got);
    }
    socket.on(event, on);
  });
}

/** A client as the original app makes it: the namespace is its API URL's path. */
function client(transports, user, name) {
  const s = io(`${BASE}/compat`, { transports, reconnectionDelay: 100, reconnectionDelayMax: 200 });
  s.user = { userId: user, userName: name };
  sockets.push(s);
  return s;
}

async function joined(s, productionId) {
  if (!s.connected) await next(s, "connect");
  const present = next(s, "presence:update", (users) => users.some((u) => u.userId === s.user.userId));
  assert.deepEqual(await s.emitWithAck("production:join", { productionId, ...s.user }), { ok: true });
  await present;
}

test("websocket, polling and upgraded clients see REST writes in order, presence and relays", async () => {
  const show = await rest("POST", "/productions", { name: "Live Concert Special", client: "XYZ", status: "PLANNING", userId: "ann", userName: "Ann" });
  assert.match(show.id, /^prod_\d+_[0-9a-z]{9}$/);
  assert.equal(show.name, "Live Concert Special");
  assert.equal(show.status, "PLANNING");

  const ann = client(["websocket"], "ann", "Ann");
  const bob = client(["polling", "websocket"], "bob", "Bob");
  const cy = client(["polling"], "cy", "Cy");
  await joined(ann, show.id);
  const everyone = next(ann, "presence:update", (users) => users.length === 3);
  for (const s of [bob, cy]) await joined(s, show.id);
  assert.equal(ann.io.engine.transport.name, "websocket");
  assert.equal(cy.io.engine.transport.name, "polling");
  // bob started on polling and upgrades to a WebSocket.
  if (bob.io.engine.transport.name !== "websocket") await new Promise((r) => bob.io.engine.once("upgrade", r));
  assert.equal(bob.io.engine.transport.name, "websocket");

  assert.deepEqual((await everyone).map((u) => u.userId).sort(), ["ann", "bob", "cy"]);

  const created = Promise.all([ann, bob, cy].map((s) => next(s, "entity:created")));
  const cam = await rest("POST", "/cameras", { productionId: show.id, id: "CAM 1", name: "Camera 1", userId: "ann", userName: "Ann" });
  for (const ev of await created) {
    assert.equal(ev.entityType, "camera");
    assert.equal(ev.entity.id, "CAM 1");
    assert.equal(ev.entity.uuid, cam.uuid);
    assert.equal(ev.entity.productionId, show.id);
    assert.equal(ev.userId, "ann");
  }

  // A write through the native API reaches Socket.IO clients too, with the original's changes.
  const updated = Promise.all([ann, bob, cy].map((s) => next(s, "entity:updated")));
  await rest("PUT", `${BASE}/api/productions/${show.uuid}/cameras/${cam.uuid}`, { model: "HDC-5500" }, { "x-user-id": "dan" });
  for (const ev of await updated) {
    assert.deepEqual(ev.changes, { model: { from: null, to: "HDC-5500" } });
    assert.equal(ev.userId, "dan");
  }

  // Twenty quick edits arrive at every client once each, in version order.
  const edits = [ann, bob, cy].map((s) => collect(s, "entity:updated", 20));
  for (let i = 0; i < 20; i++) await rest("PUT", `/cameras/${cam.uuid}`, { note: `take ${i}`, userId: "ann" });
  const expected = Array.from({ length: 20 }, (_, i) => 3 + i);
  for (const seen of await Promise.all(edits)) assert.deepEqual(seen.map((e) => e.entity.version), expected);

  // production:change goes to the others, not back to the sender.
  const relayed = Promise.all([bob, cy].map((s) => next(s, "production:change")));
  let echoed = false;
  ann.on("production:change", () => (echoed = true));
  ann.emit("production:change", { productionId: show.id, userId: "ann", changeType: "selection", data: { camera: "CAM 1" } });
  for (const r of await relayed) assert.deepEqual(r.data, { camera: "CAM 1" });
  assert.equal(echoed, false);

  const deleted = next(bob, "entity:deleted");
  await rest("DELETE", `/cameras/${cam.uuid}`, undefined);
  const gone = await deleted;
  assert.equal(gone.entityType, "camera");
  assert.equal(gone.entityId, cam.uuid);

  // A client that goes away leaves the others' presence.
  const left = next(ann, "presence:update", (users) => !users.some((u) => u.userId === "cy"));
  cy.close();
  await left;
});

test("a client that loses its connection reconnects, joins again and hears what comes next", async () => {
  const show = await rest("POST", "/productions", { name: "Reconnect", client: "XYZ", userId: "ann" });
  const s = client(["websocket"], "eve", "Eve");
  s.on("connect", () => s.emit("production:join", { productionId: show.id, ...s.user }));
  await next(s, "presence:update");
  // Listened for from the reconnect's own `connect` on: a recovered session's rooms are
  // rejoined by the server at once, and their presence can arrive in the same read as
  // the CONNECT, before code after an `await` of the connect would run.
  const back = new Promise((resolve) =>
    s.once("connect", () => resolve(next(s, "presence:update", (users) => users.some((u) => u.userId === "eve")))),
  );
  s.io.engine.close(); // the network drops; socket.io-client reconnects by itself
  await back;
  const created = next(s, "entity:created");
  await rest("POST", "/checklist-items", { productionId: show.id, title: "Book crew", userId: "ann" });
  assert.equal((await created).entity.title, "Book crew");
});

test("a client that comes back within the recovery window gets what it missed, in order, once", async () => {
  const show = await rest("POST", "/productions", { name: "Recovery", client: "XYZ", userId: "ann" });
  const s = io(`${BASE}/compat`, { transports: ["websocket"], reconnection: false });
  s.user = { userId: "gus", userName: "Gus" };
  sockets.push(s);
  await joined(s, show.id);
  const first = next(s, "entity:created");
  await rest("POST", "/checklist-items", { productionId: show.id, title: "Before", userId: "ann" });
  await first;

  const down = next(s, "disconnect");
  s.io.engine.transport.ws.close(); // the network drops under the client
  assert.equal(await down, "transport close");
  for (let i = 0; i < 3; i++) await rest("POST", "/checklist-items", { productionId: show.id, title: `Missed ${i}`, userId: "ann" });

  const missed = collect(s, "entity:created", 3);
  const back = next(s, "connect");
  s.connect();
  await back;
  assert.equal(s.recovered, true, "the server took the client's pid back");
  assert.deepEqual((await missed).map((e) => e.entity.title), ["Missed 0", "Missed 1", "Missed 2"]);
  // Live again, and nothing comes twice.
  const after = collect(s, "entity:created", 2, 3000).catch((e) => e);
  await rest("POST", "/checklist-items", { productionId: show.id, title: "After", userId: "ann" });
  const late = await after;
  assert.ok(late instanceof Error && late.message.startsWith("1 of 2"), `exactly one more event: ${late}`);
});

test("events name references by the display id the original app uses, kept current", async () => {
  const show = await rest("POST", "/productions", { name: "Labels", client: "XYZ", userId: "ann" });
  const s = client(["websocket"], "hal", "Hal");
  await joined(s, show.id);
  const ccu = await rest("POST", "/ccus", { productionId: show.id, id: "CCU 1", name: "CCU", userId: "ann" });
  const created = next(s, "entity:created", (e) => e.entityType === "camera");
  const cam = await rest("POST", "/cameras", { productionId: show.id, id: "CAM 1", name: "Cam", ccuId: "CCU 1", userId: "ann" });
  const ev = (await created).entity;
  assert.deepEqual([ev.ccuId, ev.ccuUuid], ["CCU 1", ccu.uuid]);
  // The CCU is relabelled; the camera's next event names it by its new label.
  const relabelled = next(s, "entity:updated", (e) => e.entityType === "ccu");
  await rest("PUT", `/ccus/${ccu.uuid}`, { id: "CCU 9", userId: "ann" });
  await relabelled;
  const updated = next(s, "entity:updated", (e) => e.entityType === "camera");
  await rest("PUT", `/cameras/${cam.uuid}`, { note: "tally", userId: "ann" });
  assert.equal((await updated).entity.ccuId, "CCU 9");
});

test("production list clients hear of shows and settings", async () => {
  const s = client(["websocket"], "fay", "Fay");
  await next(s, "connect");
  // The original protocol has no answer to a join; an ack, if asked for, comes once it is live.
  assert.deepEqual(await s.emitWithAck("production-list:join", s.user), { ok: true });
  const created = next(s, "production:created");
  const show = await rest("POST", "/productions", { name: "Listed", client: "XYZ", userId: "fay" });
  assert.equal((await created).production.id, show.id);
  const settings = next(s, "settings:connector-types-updated");
  const bnc = `BNC ${Date.now()}`;
  await rest("POST", "/settings/connector-types", { name: bnc });
  const change = await settings;
  assert.equal(change.action, "add");
  assert.ok(change.values.includes(bnc));
});
