// The client against a real server (PRODSYNC_URL, started by tests/tests/client_js.rs):
// apply order, resume with since, resync, the offline queue, and generated types.
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { MemoryCache, MemoryQueue, ProdsyncClient, type Change, type ProductionHandle, type QueueStorage } from "../src/index.js";
import { generate } from "../scripts/gen-types.mjs";
import { readFile } from "node:fs/promises";

const URL_ = process.env.PRODSYNC_URL ?? "http://127.0.0.1:3010";

/** A device: one write queue for every account used on it, one cache per account. */
interface Device {
  queue: QueueStorage;
  caches: Map<string, MemoryCache>;
  requests: string[];
}

function device(): Device {
  return { queue: new MemoryQueue(), caches: new Map(), requests: [] };
}

/** A client as a tab would make it, with a switch that cuts its network. */
function client(user: string, net = { up: true }, on: Device = device()) {
  const fetchThrough: typeof fetch = async (input, init) => {
    if (!net.up) throw new TypeError("fetch failed: offline");
    on.requests.push(`${init?.method ?? "GET"} ${new URL(String(input)).pathname}`);
    return fetch(input, init);
  };
  const cache = on.caches.get(user) ?? new MemoryCache();
  on.caches.set(user, cache);
  class Ws extends WebSocket {
    constructor(url: string) {
      if (!net.up) throw new Error("offline");
      super(url);
    }
  }
  return new ProdsyncClient({
    url: URL_,
    user: { id: user, name: user.toUpperCase() },
    WebSocket: Ws as unknown as typeof globalThis.WebSocket,
    fetch: fetchThrough,
    queue: on.queue,
    cache,
    backoff: { min: 20, max: 200 },
  });
}

function offline(c: ProdsyncClient, net: { up: boolean }) {
  net.up = false;
  c.dropConnection();
  return new Promise<void>((r) => c.on("state", (s) => s === "offline" && r()));
}

async function api(method: string, path: string, body?: unknown, user = "rest") {
  const res = await fetch(`${URL_}${path}`, {
    method,
    headers: { "content-type": "application/json", "x-user-id": user },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Waits until `check` holds, re-checking on every event of the handle. */
function until(h: ProductionHandle, check: () => boolean, what: string, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const offs: (() => void)[] = [];
    const done = (e?: Error) => {
      clearTimeout(timer);
      offs.forEach((o) => o());
      e ? reject(e) : resolve();
    };
    const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}`)), ms);
    for (const ev of ["change", "live", "resync", "presence"] as const) offs.push(h.on(ev, () => check() && done()));
    offs.push(h.subscribe(() => check() && done()));
  });
}

async function production(name: string) {
  return (await api("POST", "/api/productions", { showName: name, client: "ACME" })).id as string;
}

async function head(pid: string): Promise<number> {
  return (await api("GET", `/api/productions/${pid}/changes?since=0&limit=1`)).headSeq;
}

describe("the client against a real server", () => {
  it("applies every event once, in seq order, and ends equal to the snapshot", async () => {
    const pid = await production("Order");
    const c = client("ann");
    const h = await c.open(pid);
    const seqs: number[] = [];
    h.on("change", (ch: Change) => seqs.push(ch.seq));
    const start = h.seq;
    const cam = await api("POST", `/api/productions/${pid}/cameras`, { name: "Cam 1" });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => api("PUT", `/api/productions/${pid}/cameras/${cam.id}`, { [`note`]: `n${i}` })),
    );
    const target = await head(pid);
    await until(h, () => h.seq === target, "the head seq");
    expect(seqs).toEqual(Array.from({ length: target - start }, (_, i) => start + 1 + i));
    const snap = await api("GET", `/api/productions/${pid}/snapshot`);
    expect(h.list("cameras")).toEqual(snap.entities.cameras);
    c.close();
  });

  it("resumes with since after a dropped connection: nothing missed, nothing twice", async () => {
    const pid = await production("Resume");
    const net = { up: true };
    const c = client("bob", net);
    const h = await c.open(pid);
    await until(h, () => h.live, "live");
    const seqs: number[] = [];
    h.on("change", (ch: Change) => seqs.push(ch.seq));
    const before = h.seq;
    net.up = false;
    c.dropConnection();
    await new Promise<void>((r) => c.on("state", (s) => s === "offline" && r()));
    for (let i = 0; i < 5; i++) await api("POST", `/api/productions/${pid}/checklist-items`, { title: `Missed ${i}` });
    net.up = true;
    await until(h, () => h.live && h.list("checklist-items").length === 5, "the missed items");
    expect(seqs).toEqual([before + 1, before + 2, before + 3, before + 4, before + 5]);
    expect(h.list("checklist-items").map((i) => i.title).sort()).toEqual(["Missed 0", "Missed 1", "Missed 2", "Missed 3", "Missed 4"]);
    c.close();
  });

  it("reloads the snapshot when the server says resync", async () => {
    const pid = await production("Resync");
    const c = client("cy");
    const h = await c.open(pid);
    await until(h, () => h.live, "live");
    await api("POST", `/api/productions/${pid}/cameras`, { name: "Cam 1" });
    await until(h, () => h.list("cameras").length === 1, "the camera");
    // A client whose state is from elsewhere (a restored database): its since is ahead.
    h.seq = 10_000;
    const resynced = new Promise<{ seq: number }>((r) => h.on("resync", r));
    c.dropConnection();
    const { seq } = await resynced;
    expect(seq).toBe(await head(pid));
    expect(h.list("cameras").map((x) => x.name)).toEqual(["Cam 1"]);
    await until(h, () => h.live, "live again");
    await api("POST", `/api/productions/${pid}/cameras`, { name: "Cam 2" });
    await until(h, () => h.list("cameras").length === 2, "the next camera");
    c.close();
  });

  it("queues writes while offline and replays them in order, each once", async () => {
    const pid = await production("Offline");
    const cam = await api("POST", `/api/productions/${pid}/cameras`, { name: "Cam 1" });
    const net = { up: true };
    const c = client("dee", net);
    const h = await c.open(pid);
    await until(h, () => h.live, "live");
    net.up = false;
    c.dropConnection();
    await new Promise<void>((r) => c.on("state", (s) => s === "offline" && r()));
    await h.update("cameras", cam.id, { model: "HDC-5500" });
    await h.update("cameras", cam.id, { note: "on the jib" });
    expect((await c.pendingWrites()).length).toBe(2);
    expect(h.get("cameras", cam.id)?.model).toBe("HDC-5500"); // shown at once
    net.up = true;
    await until(h, () => h.get("cameras", cam.id)?.version === 3, "both edits on the server");
    const log = await api("GET", `/api/productions/${pid}/changes?since=0`);
    const mine = log.events.filter((e: { data: { userId: string } }) => e.data.userId === "dee");
    expect(mine.map((e: { data: { changedFields: string[] } }) => e.data.changedFields)).toEqual([["model"], ["note"]]);
    expect((await c.pendingWrites()).length).toBe(0);
    c.close();
  });

  it("a write whose answer was lost is sent again with its key and applied once", async () => {
    const pid = await production("Lost answer");
    const cam = await api("POST", `/api/productions/${pid}/cameras`, { name: "Cam 1" });
    let loseNext = false;
    let puts = 0;
    const lossy: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (init?.method === "PUT") puts++;
      if (loseNext && init?.method === "PUT") {
        loseNext = false;
        throw new TypeError("connection reset after the server answered");
      }
      return res;
    };
    const c = new ProdsyncClient({
      url: URL_,
      user: { id: "eve" },
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      fetch: lossy,
      queue: new MemoryQueue(),
      cache: new MemoryCache(),
      backoff: { min: 20, max: 200 },
    });
    const h = await c.open(pid);
    await until(h, () => h.live, "live");
    loseNext = true;
    // The answer is lost: the caller learns the write waits in the queue.
    await h.update("cameras", cam.id, { model: "HDC-3500" });
    expect((await c.pendingWrites()).length).toBe(1); // the client cannot know it landed
    await c.flush(); // the retry, with the same key, is answered from the receipt
    expect(puts).toBe(2);
    expect((await c.pendingWrites()).length).toBe(0);
    const log = await api("GET", `/api/productions/${pid}/changes?since=0`);
    expect(log.events.filter((e: { data: { userId: string } }) => e.data.userId === "eve").length).toBe(1);
    c.close();
  });

  it("one device, two accounts offline: each write lands once, under its own author", async () => {
    const pid = await production("Shared device");
    const cam = await api("POST", `/api/productions/${pid}/cameras`, { name: "Cam 1" });
    const here = device();
    const [annNet, bobNet] = [{ up: true }, { up: true }];
    const [ann, bob] = [client("hal", annNet, here), client("ivy", bobNet, here)];
    const [ha, hb] = [await ann.open(pid), await bob.open(pid)];
    await until(ha, () => ha.live, "ann live");
    await until(hb, () => hb.live, "bob live");
    await Promise.all([offline(ann, annNet), offline(bob, bobNet)]);
    await ha.update("cameras", cam.id, { note: "from hal" });
    await hb.update("cameras", cam.id, { model: "from ivy" });
    expect((await here.queue.all()).map((w) => w.author)).toEqual(["hal", "ivy"]);
    // Hal's tab hears of Ivy's write (BroadcastChannel) and counts it, without sending it.
    await new Promise<void>((r) => (ann.pending.others === 1 ? r() : ann.on("pending", (p) => p.others === 1 && r())));
    expect(ann.pending).toEqual({ mine: 1, others: 1 });
    // Hal comes back first: only his write goes, Ivy's waits for Ivy.
    annNet.up = true;
    await until(ha, () => ha.live && ha.get("cameras", cam.id)?.note === "from hal" && ann.pending.mine === 0, "hal's write");
    expect((await here.queue.all()).map((w) => w.author)).toEqual(["ivy"]);
    bobNet.up = true;
    await until(hb, () => hb.live && bob.pending.mine === 0, "ivy's write");
    const log = await api("GET", `/api/productions/${pid}/changes?since=0`);
    const updates = log.events.filter((e: { event: string }) => e.event === "camera:updated");
    expect(updates.map((e: { data: { userId: string; changedFields: string[] } }) => [e.data.userId, e.data.changedFields])).toEqual([
      ["hal", ["note"]],
      ["ivy", ["model"]],
    ]);
    ann.close();
    bob.close();
  });

  it("a refused write is rolled back on screen and says why", async () => {
    const pid = await production("Refused");
    await api("POST", `/api/productions/${pid}/cameras`, { name: "Cam 1", displayId: "CAM 1" });
    const cam2 = await api("POST", `/api/productions/${pid}/cameras`, { name: "Cam 2", displayId: "CAM 2" });
    const c = client("jo");
    const h = await c.open(pid);
    await until(h, () => h.live, "live");
    const seen: (string | undefined)[] = [];
    h.subscribe(() => seen.push(h.get("cameras", cam2.id)?.displayId ?? undefined));
    const refused = new Promise<{ fields: string[]; status: number; code: string | null }>((r) => h.on("rollback", r));
    await h.update("cameras", cam2.id, { displayId: "CAM 1" }); // taken: 409
    const r = await refused;
    expect([r.fields, r.status, r.code]).toEqual([["displayId"], 409, "duplicate_value"]);
    expect(seen).toContain("CAM 1"); // shown at once
    expect(h.get("cameras", cam2.id)?.displayId).toBe("CAM 2"); // and taken back
    c.close();
  });

  it("reopening a production one event behind reads no snapshot: the room sends what it lacks", async () => {
    const pid = await production("Cached");
    const cam = await api("POST", `/api/productions/${pid}/cameras`, { name: "Cam 1" });
    const here = device();
    const first = client("kim", { up: true }, here);
    const h1 = await first.open(pid);
    await until(h1, () => h1.live, "live");
    first.close(); // leaves: the copy goes to the cache
    await api("PUT", `/api/productions/${pid}/cameras/${cam.id}`, { model: "HDC-F5500" });
    here.requests.length = 0;
    const again = client("kim", { up: true }, here);
    const h2 = await again.open(pid);
    expect(h2.getSnapshot().fromCache).toBe(true);
    await until(h2, () => h2.live && h2.get("cameras", cam.id)?.model === "HDC-F5500", "the missed edit");
    expect(here.requests.filter((r) => r.endsWith("/snapshot"))).toEqual([]);
    again.close();
  });

  it("presence, undo and the activity feed", async () => {
    const pid = await production("Together");
    const [a, b] = [client("fay"), client("gus")];
    const [ha, hb] = [await a.open(pid), await b.open(pid)];
    const cam = await api("POST", `/api/productions/${pid}/cameras`, { name: "Cam 1" });
    await until(hb, () => hb.live && hb.list("cameras").length === 1, "b has the camera");
    await until(ha, () => ha.live, "a live");
    ha.focus("cameras", cam.id, "model");
    await until(hb, () => hb.presence().some((u) => u.userId === "fay" && u.focus?.field === "model"), "fay's focus");
    await ha.update("cameras", cam.id, { model: "X" });
    await until(hb, () => hb.get("cameras", cam.id)?.model === "X", "the edit");
    expect(await ha.undo()).not.toBeNull();
    await until(hb, () => hb.get("cameras", cam.id)?.model === null, "the undo");
    const feed = await hb.activity({ limit: 10 });
    expect(feed.items[0].cause).toBe("undo");
    a.close();
    b.close();
  });

  it("its entity types are the server's (src/types.ts is regenerated from /api/openapi.json)", async () => {
    const doc = await (await fetch(`${URL_}/api/openapi.json`)).json();
    const committed = await readFile(new URL("../src/types.ts", import.meta.url), "utf8");
    expect(generate(doc), "src/types.ts is stale: npm run gen-types against a current server").toBe(committed);
  });
});
