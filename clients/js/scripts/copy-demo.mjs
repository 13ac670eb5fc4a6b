// After tsc: the page's static files next to the compiled app, the page at dist/ root
// (the server serves dist/ at /, so the app's `../src/index.js` import resolves), and the
// service worker with the list of files it keeps for offline reloads.
import { copyFile, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
const dist = new URL("../dist/", import.meta.url);
await mkdir(new URL("demo/", dist), { recursive: true });
await copyFile(new URL("../demo/style.css", import.meta.url), new URL("demo/style.css", dist));
await copyFile(new URL("../demo/index.html", import.meta.url), new URL("index.html", dist));
const modules = (await readdir(new URL("src/", dist))).filter((f) => f.endsWith(".js")).map((f) => `/src/${f}`);
const files = ["/", "/demo/app.js", "/demo/style.css", ...modules];
const sw = (await readFile(new URL("../demo/sw.js", import.meta.url), "utf8")).replace("__FILES__", JSON.stringify(files));
await writeFile(new URL("sw.js", dist), sw);
console.log(`demo page in dist/ (index.html, demo/, src/, sw.js keeping ${files.length} files)`);
