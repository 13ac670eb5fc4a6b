// Writes src/types.ts from the server's OpenAPI document, so the client's entity types are
// the server's: `node scripts/gen-types.mjs [url-or-file]` (default: a local server).
// test/client.test.ts regenerates from the live server and fails when src/types.ts is stale.
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

export function generate(doc) {
  const schemas = doc.components.schemas;
  const entities = Object.keys(schemas).filter((n) => schemas[n].properties?.fieldVersions && !n.endsWith("Updated")).sort();
  const lines = [
    "// Generated from the server's OpenAPI document by scripts/gen-types.mjs; do not edit.",
    "",
    "/** Field name -> the entity version at which it was last written. */",
    "export type FieldVersions = { [field: string]: number };",
    "",
  ];
  for (const name of entities) {
    const s = schemas[name];
    lines.push(`export interface ${tsName(name)} {`);
    for (const [field, p] of Object.entries(s.properties)) {
      const optional = (s.required ?? []).includes(field) ? "" : "?";
      const doc = p.description ? `  /** ${p.description} */\n` : "";
      lines.push(`${doc}  ${field}${optional}: ${tsType(p, field)};`);
    }
    lines.push("}", "");
  }
  const paths = Object.keys(doc.paths)
    .map((p) => p.match(/^\/api\/productions\/\{productionId\}\/([a-z-]+)$/)?.[1])
    .filter((seg) => seg && doc.paths[`/api/productions/{productionId}/${seg}`].post?.operationId?.startsWith("create"));
  lines.push("/** Entity types by their path segment (`cameras`) as the REST API and events name them. */");
  lines.push("export interface EntityTypes {");
  for (const seg of paths.sort()) {
    const op = doc.paths[`/api/productions/{productionId}/${seg}`].post.operationId;
    lines.push(`  "${seg}": ${tsName(op.replace(/^create/, ""))};`);
  }
  lines.push("}", "", "export type EntityPath = keyof EntityTypes;", "");
  lines.push(`export const ENTITY_PATHS: EntityPath[] = [${paths.sort().map((p) => `"${p}"`).join(", ")}];`, "");
  lines.push("", "/** Event prefix (`camera`, as in `camera:updated`) -> path segment (`cameras`). */");
  lines.push("export const PATH_OF: { [eventPrefix: string]: EntityPath } = {");
  for (const seg of paths.sort()) {
    const op = doc.paths[`/api/productions/{productionId}/${seg}`].post.operationId;
    lines.push(`  "${kebab(op.replace(/^create/, ""))}": "${seg}",`);
  }
  lines.push("};", "");
  return lines.join("\n");
}

/** Names that would shadow TypeScript's own get a suffix. */
function tsName(name) {
  return ["Record", "Partial", "Required", "Readonly", "Map", "Set"].includes(name) ? `${name}Entity` : name;
}

/** `IpAddress` -> `ip-address`. */
function kebab(name) {
  return name.replace(/[A-Z]/g, (c, i) => (i ? "-" : "") + c.toLowerCase());
}

function tsType(p, field) {
  if (field === "fieldVersions") return "FieldVersions";
  const types = Array.isArray(p.type) ? p.type : p.type ? [p.type] : [];
  const parts = [];
  if (p.enum) parts.push(...p.enum.map((v) => (v === null ? "null" : JSON.stringify(v))));
  else if (p.const !== undefined) parts.push(JSON.stringify(p.const));
  else if (types.length === 0) parts.push("unknown");
  for (const t of types) {
    if (p.enum) break;
    parts.push({ string: "string", integer: "number", number: "number", boolean: "boolean", null: "null", object: "{ [key: string]: unknown }", array: "unknown[]" }[t] ?? "unknown");
  }
  return [...new Set(parts)].join(" | ");
}

async function load(source) {
  if (/^https?:/.test(source)) return (await fetch(source)).json();
  return JSON.parse(await readFile(source, "utf8"));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const source = process.argv[2] ?? "http://127.0.0.1:3010/api/openapi.json";
  const out = new URL("../src/types.ts", import.meta.url);
  await writeFile(out, generate(await load(source)));
  console.log(`wrote ${fileURLToPath(out)} from ${source}`);
}
