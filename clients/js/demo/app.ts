/**
 * The demo page: a production's cameras, sources and checklist as tables two people can
 * edit at once, with each other's avatars on the field being edited, the activity feed,
 * undo/redo, a connection indicator and a notice when an edit met someone else's.
 * Everything goes through the client library (../src).
 */
import { ProdsyncClient, type EntityPath, type PresentUser, type ProductionHandle, type ProductionView } from "../src/index.js";

interface Column {
  field: string;
  label: string;
  kind?: "number" | "bool";
}

const TABLES: { path: EntityPath; title: string; one: string; columns: Column[]; fresh: () => object }[] = [
  {
    path: "cameras",
    title: "Cameras",
    one: "camera",
    columns: [
      { field: "name", label: "Name" },
      { field: "model", label: "Model" },
      { field: "lensType", label: "Lens" },
      { field: "note", label: "Note" },
    ],
    fresh: () => ({ name: "New camera" }),
  },
  {
    path: "sources",
    title: "Sources",
    one: "source",
    columns: [
      { field: "name", label: "Name" },
      { field: "type", label: "Type" },
      { field: "hRes", label: "H res", kind: "number" },
      { field: "vRes", label: "V res", kind: "number" },
    ],
    fresh: () => ({ name: "New source", type: "Laptop - PC MISC" }),
  },
  {
    path: "checklist-items",
    title: "Checklist",
    one: "task",
    columns: [
      { field: "completed", label: "Done", kind: "bool" },
      { field: "title", label: "Task" },
      { field: "assignedTo", label: "Who" },
    ],
    fresh: () => ({ title: "New task" }),
  },
];

const params = new URLSearchParams(location.search);
const userId = params.get("user") ?? localStorage.getItem("prodsync-user") ?? `guest-${Math.floor(Math.random() * 1000)}`;
const userName = params.get("name") ?? userId.charAt(0).toUpperCase() + userId.slice(1);
localStorage.setItem("prodsync-user", userId);

// jwt mode: `?token=<jwt>` (the user is the token's subject).
const token = params.get("token");
const client = new ProdsyncClient(
  token ? { url: location.origin, token } : { url: location.origin, user: { id: userId, name: userName } },
);
// The page itself works offline: a service worker keeps its files (demo/sw.ts).
if ("serviceWorker" in navigator) void navigator.serviceWorker.register("/sw.js");
let current: ProductionHandle | null = null;

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: { [k: string]: string } = {}, text?: string) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A stable colour per user. */
function colour(user: string): string {
  let h = 0;
  for (const c of user) h = (h * 31 + c.charCodeAt(0)) % 360;
  return `hsl(${h} 70% 45%)`;
}

// ---- connection indicator --------------------------------------------------------------

function showState() {
  const conn = $("#conn");
  conn.dataset.state = client.state;
  conn.textContent = client.state;
}
client.on("state", showState);
client.on("pending", ({ mine, others }) => {
  const own = mine ? `${mine} edit${mine === 1 ? "" : "s"} waiting to be sent` : "";
  const theirs = others ? `${others} from another account waiting for its author` : "";
  $("#pending").textContent = [own, theirs].filter(Boolean).join("; ");
});
client.on("rollback", (r) => {
  const name = current?.get(r.path as EntityPath, r.id) as { name?: string; title?: string } | undefined;
  const what = r.fields.length ? r.fields.join(", ") : r.kind;
  notice(`Your change to ${name?.name ?? name?.title ?? r.path}'s ${what} was refused: ${r.reason}`);
});

function notice(text: string) {
  const n = $("#notice");
  n.textContent = text;
  n.hidden = false;
}

// ---- productions -----------------------------------------------------------------------

async function showProductions() {
  const list = $("#productions");
  list.replaceChildren();
  for (const p of await client.listProductions()) {
    const li = el("li", { "data-testid": "production" });
    const a = el("a", { href: `#/p/${p.id}` }, p.showName ?? "");
    li.append(a);
    list.append(li);
  }
}

$("#new-production").addEventListener("submit", async (e) => {
  e.preventDefault();
  const input = $<HTMLInputElement>("#new-name");
  const created = (await client.ok("POST", "/api/productions", { showName: input.value || "New show", client: "Demo" })).body as { id: string };
  input.value = "";
  await showProductions();
  location.hash = `#/p/${created.id}`;
});

// ---- a production ------------------------------------------------------------------------

let unsubscribe: (() => void) | null = null;

async function open(pid: string) {
  current?.blur();
  unsubscribe?.();
  if (current && current.id !== pid) current.leave();
  const h = await client.open(pid);
  current = h;
  const tables = $("#tables");
  tables.replaceChildren();
  for (const t of TABLES) tables.append(table(h, t));
  rendered.clear();
  // Every change of what is shown (events, your edits, a refused edit rolled back) comes
  // as a new snapshot; unchanged entities keep their objects, so only changed rows redraw.
  unsubscribe = h.subscribe(() => render(h.getSnapshot()));
  render(h.getSnapshot());
  h.on("change", () => void showActivity(h));
  h.on("presence", (users) => h === current && showPresence(users));
  h.on("conflict", ({ conflicts }) => {
    const c = conflicts[0];
    notice(`Your edit of ${c.field} replaced ${c.overwrittenBy ?? "someone"}'s newer value "${String(c.overwrittenValue)}".`);
  });
  h.on("resync", () => render(h.getSnapshot()));
  showPresence(h.presence());
  void showActivity(h);
}

const rendered = new Map<string, unknown>();

function render(view: ProductionView) {
  $("#title").textContent = view.production?.showName ?? "";
  document.body.dataset.cached = String(view.fromCache);
  for (const t of TABLES) {
    const list = (view.entities[t.path] ?? []) as unknown as readonly { id: string; [f: string]: unknown }[];
    const shown = new Set(list.map((e) => e.id));
    for (const e of list) {
      if (rendered.get(e.id) === e) continue;
      rendered.set(e.id, e);
      upsertRow(t.path, e);
    }
    document.querySelectorAll(`table[data-path="${t.path}"] tr[data-id]`).forEach((row) => {
      const id = (row as HTMLElement).dataset.id ?? "";
      if (!shown.has(id)) {
        row.remove();
        rendered.delete(id);
      }
    });
  }
}

function table(h: ProductionHandle, t: (typeof TABLES)[number]) {
  const section = el("section");
  section.append(el("h2", {}, t.title));
  const tbl = el("table", { "data-path": t.path });
  const head = el("tr");
  for (const c of t.columns) head.append(el("th", {}, c.label));
  head.append(el("th"));
  tbl.append(head);
  section.append(tbl);
  const add = el("button", { "data-add": t.path }, `Add ${t.one}`);
  add.addEventListener("click", () => void h.create(t.path, t.fresh()));
  section.append(add);
  return section;
}

function upsertRow(path: EntityPath, entity: { id: string; [f: string]: unknown }) {
  const t = TABLES.find((x) => x.path === path);
  const tbl = document.querySelector(`table[data-path="${path}"]`);
  if (!t || !tbl) return;
  let row = tbl.querySelector(`tr[data-id="${entity.id}"]`) as HTMLTableRowElement | null;
  if (!row) {
    row = el("tr", { "data-id": entity.id });
    for (const c of t.columns) row.append(cell(path, entity.id, c));
    const del = el("button", { class: "delete", title: "Delete" }, "×");
    del.addEventListener("click", () => void current?.remove(path, entity.id));
    const td = el("td");
    td.append(del);
    row.append(td);
    tbl.append(row);
  }
  for (const c of t.columns) {
    const input = row.querySelector(`input[data-field="${c.field}"]`) as HTMLInputElement;
    if (!input || input === document.activeElement) continue; // never under someone's cursor
    const v = entity[c.field];
    if (c.kind === "bool") input.checked = v === true;
    else if (v !== undefined) input.value = v === null ? "" : String(v);
  }
}

function cell(path: EntityPath, id: string, c: Column) {
  const td = el("td", { "data-field": c.field });
  const input = el("input", { "data-field": c.field, type: c.kind === "bool" ? "checkbox" : c.kind === "number" ? "number" : "text" });
  input.addEventListener("focus", () => current?.focus(path, id, c.field));
  input.addEventListener("blur", () => current?.blur());
  input.addEventListener("change", () => {
    const value = c.kind === "bool" ? input.checked : c.kind === "number" ? (input.value === "" ? null : Number(input.value)) : input.value;
    void current?.update(path, id, { [c.field]: value });
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") input.blur();
  });
  const avatars = el("span", { class: "avatars" });
  td.append(input, avatars);
  return td;
}

function showPresence(users: readonly PresentUser[]) {
  const bar = $("#people");
  bar.replaceChildren();
  for (const u of users) {
    const chip = el("span", { class: "person", "data-user": u.userId, style: `background:${colour(u.userId)}` }, (u.userName ?? u.userId).slice(0, 2));
    chip.title = u.userName ?? u.userId;
    bar.append(chip);
  }
  document.querySelectorAll(".avatars").forEach((a) => a.replaceChildren());
  for (const u of users) {
    if (!u.focus || u.userId === userId) continue;
    const spot = document.querySelector(`tr[data-id="${u.focus.entityId}"] td[data-field="${u.focus.field}"] .avatars`);
    const dot = el("span", { class: "avatar", "data-user": u.userId, style: `background:${colour(u.userId)}` }, (u.userName ?? u.userId).slice(0, 1).toUpperCase());
    dot.title = `${u.userName ?? u.userId} is editing this`;
    spot?.append(dot);
  }
}

async function showActivity(h: ProductionHandle) {
  try {
    const feed = await h.activity({ limit: 15 });
    const list = $("#activity");
    list.replaceChildren();
    for (const item of feed.items) {
      const what = item.changes.map((c) => `${c.field} → ${JSON.stringify(c.to)}`).join(", ");
      const text = `${item.userName ?? item.userId ?? "someone"} ${item.cause ? `${item.cause} ` : ""}${item.action} ${item.entityType} ${item.entityName ?? ""} ${what}`;
      list.append(el("li", {}, text));
    }
  } catch {
    // offline: the feed catches up on the next change
  }
}

$("#undo").addEventListener("click", async () => {
  if (current && !(await current.undo())) notice("Nothing of yours to undo here.");
});
$("#redo").addEventListener("click", async () => {
  if (current && !(await current.redo())) notice("Nothing of yours to redo here.");
});
$("#duplicate").addEventListener("click", async () => {
  if (!current) return;
  const showName = `${$("#title").textContent || "Show"} (copy)`;
  const made = (await client.ok("POST", `/api/productions/${current.id}/duplicate`, { showName, resetChecklist: true })).body as {
    production: { id: string };
  };
  await showProductions();
  location.hash = `#/p/${made.production.id}`;
});
$("#notice").addEventListener("click", () => ($("#notice").hidden = true));

function route() {
  const m = location.hash.match(/^#\/p\/([0-9a-f-]{36})$/);
  document.body.dataset.view = m ? "production" : "list";
  if (m) void open(m[1]);
}
window.addEventListener("hashchange", route);
$("#me").textContent = userName;
showState();
void showProductions();
route();
