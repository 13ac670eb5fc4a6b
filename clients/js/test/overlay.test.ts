// The overlay, rebase and snapshot rules as tables: pure, no server.
import { describe, expect, it } from "vitest";
import { overlayEntity, rollbackOf, toEvict, type PendingOp, type StoredEntity } from "../src/index.js";
import { ViewBuilder } from "../src/view.js";

const cam = (fields: object = {}): StoredEntity => ({ id: "c1", version: 3, name: "Cam 1", model: "A", ...fields });
let n = 0;
const op = (kind: PendingOp["kind"], fields: object = {}, id = "c1", path = "cameras"): PendingOp => ({ n: ++n, path, id, kind, fields: { ...fields } });

describe("overlayEntity", () => {
  const table: [string, StoredEntity | undefined, PendingOp[], StoredEntity | undefined][] = [
    ["no pending writes: the server's copy", cam(), [], cam()],
    ["an update on top", cam(), [op("update", { model: "B" })], cam({ model: "B" })],
    ["two updates, in order", cam(), [op("update", { model: "B" }), op("update", { model: "C", note: "x" })], cam({ model: "C", note: "x" })],
    ["a create not yet on the server", undefined, [op("create", { name: "New" })], { id: "c1", version: 0, name: "New" }],
    ["a create whose event came first: the server's copy", cam(), [op("create", { name: "New" })], cam()],
    ["a create then an update", undefined, [op("create", { name: "New" }), op("update", { model: "Z" })], { id: "c1", version: 0, name: "New", model: "Z" }],
    ["a delete hides it", cam(), [op("delete")], undefined],
    ["an update of something deleted on the server stays gone", undefined, [op("update", { model: "B" })], undefined],
  ];
  for (const [what, base, ops, want] of table) it(what, () => expect(overlayEntity(base, ops)).toEqual(want));
});

describe("rebase: a new server copy under the same pending writes", () => {
  it("keeps your pending value over another's change to the same field, and theirs elsewhere", () => {
    const mine = [op("update", { model: "mine" })];
    const theirs = cam({ version: 4, model: "theirs", note: "theirs" });
    expect(overlayEntity(theirs, mine)).toEqual(cam({ version: 4, model: "mine", note: "theirs" }));
  });
  it("a refused write leaves the overlay: the server's copy shows again", () => {
    expect(overlayEntity(cam(), [])).toEqual(cam());
  });
});

describe("the refusal notice", () => {
  const table: [number, unknown, { status: number; code: string | null; reason: string; fields: string[] }][] = [
    [403, { code: "forbidden", message: "viewers may not write" }, { status: 403, code: "forbidden", reason: "viewers may not write", fields: ["model"] }],
    [409, { error: "Conflict" }, { status: 409, code: null, reason: "Conflict", fields: ["model"] }],
    [422, null, { status: 422, code: null, reason: "HTTP 422", fields: ["model"] }],
  ];
  for (const [status, body, want] of table) {
    it(`${status}`, () => {
      const r = rollbackOf("p1", { path: "cameras", id: "c1", kind: "update", fields: { model: "B", version: 3 } }, status, body);
      expect({ status: r.status, code: r.code, reason: r.reason, fields: r.fields }).toEqual(want);
      expect([r.productionId, r.path, r.id]).toEqual(["p1", "cameras", "c1"]);
    });
  }
});

describe("snapshots share structure", () => {
  const meta = { seq: 1, live: true, fromCache: false, production: null };
  const store = (...es: StoredEntity[]) => new Map([["cameras", new Map(es.map((e) => [e.id, e]))]]);

  it("is the same object while nothing changed", () => {
    const b = new ViewBuilder();
    const s = store(cam());
    expect(b.build(s, [], meta)).toBe(b.build(s, [], meta));
  });

  it("an unchanged entity keeps its object when another one changes", () => {
    const b = new ViewBuilder();
    const other = { id: "c2", version: 1, name: "Cam 2" };
    const first = b.build(store(cam(), other), [], meta);
    const second = b.build(store(cam({ version: 4, model: "B" }), other), [], { ...meta, seq: 2 });
    expect(second).not.toBe(first);
    expect(second.entities.cameras?.[1]).toBe(first.entities.cameras?.[1]);
    expect(second.entities.cameras?.[0]).not.toBe(first.entities.cameras?.[0]);
  });

  it("a pending write makes a new entity object; removing it brings the old one back", () => {
    const b = new ViewBuilder();
    const s = store(cam());
    const before = b.build(s, [], meta);
    const pending = [op("update", { model: "B" })];
    const during = b.build(s, pending, meta);
    expect(during.entities.cameras?.[0].model).toBe("B");
    expect(during.pending).toBe(1);
    const after = b.build(s, [], meta);
    expect(after.entities.cameras?.[0]).toBe(before.entities.cameras?.[0]);
  });

  it("snapshots are frozen", () => {
    const v = new ViewBuilder().build(store(cam()), [op("update", { model: "B" })], meta);
    expect(Object.isFrozen(v) && Object.isFrozen(v.entities.cameras) && Object.isFrozen(v.entities.cameras?.[0])).toBe(true);
  });
});

describe("cache eviction", () => {
  const table: [number, { key: string; bytes: number; usedAt: number }[], string[]][] = [
    [100, [{ key: "a", bytes: 50, usedAt: 1 }, { key: "b", bytes: 40, usedAt: 2 }], []],
    [100, [{ key: "a", bytes: 50, usedAt: 3 }, { key: "b", bytes: 40, usedAt: 1 }, { key: "c", bytes: 30, usedAt: 2 }], ["b"]],
    [10, [{ key: "a", bytes: 50, usedAt: 3 }, { key: "b", bytes: 40, usedAt: 1 }], ["b", "a"]],
  ];
  for (const [budget, entries, want] of table) {
    it(`budget ${budget}: ${want.join(",") || "nothing"} goes`, () => expect(toEvict(entries, budget)).toEqual(want));
  }
});
