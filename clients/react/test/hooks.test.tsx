// The hooks in React 19 (jsdom) against a real server (PRODSYNC_URL, trusted mode): a
// production renders, an edit made elsewhere re-renders only its own row, presence,
// pending writes and the connection state follow, and unmounting leaves the production.
import { memo, useRef } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { MemoryCache, MemoryQueue, ProdsyncClient, type Camera, type ProductionHandle } from "@prodsync/client";
import { useConnectionState, useEntities, usePendingWrites, usePresence, useProduction } from "../src/index.js";

// Updates come from the network, as in a page: the test waits for the DOM instead of act().
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
const URL_ = process.env.PRODSYNC_URL ?? "http://127.0.0.1:3010";

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

function client(user: string) {
  return new ProdsyncClient({
    url: URL_,
    user: { id: user },
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    queue: new MemoryQueue(),
    cache: new MemoryCache(),
    backoff: { min: 20, max: 200 },
  });
}

/** Waits until the rendered page shows what `check` looks for. */
async function until(check: () => boolean, what: string, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const renders = new Map<string, number>();

const Row = memo(function Row({ camera }: { camera: Camera }) {
  renders.set(camera.id, (renders.get(camera.id) ?? 0) + 1);
  return <li data-id={camera.id}>{camera.model ?? ""}</li>;
});

let handleSeen: ProductionHandle | null = null;

function Show({ c, pid }: { c: ProdsyncClient; pid: string }) {
  const { handle, view, error } = useProduction(c, pid);
  handleSeen = handle;
  const cameras = useEntities(handle, "cameras");
  const people = usePresence(handle);
  const pending = usePendingWrites(c);
  const state = useConnectionState(c);
  const firstList = useRef(cameras);
  return (
    <div>
      <p id="state">{state}</p>
      <p id="pending">{pending.mine}</p>
      <p id="people">{people.map((p) => p.userId).join(",")}</p>
      <p id="title">{view?.production?.showName ?? (error ? `error: ${error.message}` : "")}</p>
      <p id="same-list">{String(firstList.current === cameras)}</p>
      <ul>{cameras.map((cam) => <Row key={cam.id} camera={cam} />)}</ul>
    </div>
  );
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

function mount(c: ProdsyncClient, pid: string) {
  const el = document.createElement("div");
  document.body.append(el);
  const root = createRoot(el);
  root.render(<Show c={c} pid={pid} />);
  const text = (id: string) => el.querySelector(`#${id}`)?.textContent ?? "";
  const unmount = () => root.unmount();
  cleanup.push(() => el.remove());
  return { el, text, unmount };
}

describe("React hooks over a real server", () => {
  it("render a production, and an edit elsewhere re-renders only its row", async () => {
    const pid = (await api("POST", "/api/productions", { showName: "Hooks", client: "ACME" })).id;
    const [a, b] = await Promise.all([
      api("POST", `/api/productions/${pid}/cameras`, { name: "Cam 1", model: "HDC-3500" }),
      api("POST", `/api/productions/${pid}/cameras`, { name: "Cam 2", model: "HDC-5500" }),
    ]);
    const c = client("lia");
    const { el, text, unmount } = mount(c, pid);
    await until(() => text("title") === "Hooks" && el.querySelectorAll("li").length === 2, "the production");
    await until(() => text("state") === "online" && text("people") === "lia", "online and present");
    const [ra, rb] = [renders.get(a.id), renders.get(b.id)];
    await api("PUT", `/api/productions/${pid}/cameras/${b.id}`, { model: "HDC-F5500" });
    await until(() => el.querySelector(`li[data-id="${b.id}"]`)?.textContent === "HDC-F5500", "the edit");
    expect(renders.get(a.id)).toBe(ra); // the untouched camera kept its object: no re-render
    expect(renders.get(b.id)).toBe((rb ?? 0) + 1);

    // A write of ours shows at once and is counted until answered.
    await handleSeen?.update("cameras", a.id, { model: "mine" });
    await until(() => el.querySelector(`li[data-id="${a.id}"]`)?.textContent === "mine" && text("pending") === "0", "our write");
    unmount();
    // Unmounted: the production was left, and its room no longer counts us.
    const other = client("max");
    const h = await other.open(pid);
    await until(() => h.live && h.presence().every((p) => p.userId !== "lia"), "lia gone from the room");
    other.close();
    c.close();
  });

  it("a production that cannot be opened says why", async () => {
    const c = client("ned");
    const { text } = mount(c, "00000000-0000-4000-8000-000000000000");
    await until(() => text("title").startsWith("error:"), "the error");
    expect(text("title")).toContain("not found");
    c.close();
  });
});
