// After tsc: the page's static files next to the compiled app, and the page at dist/ root
// (the server serves dist/ at /, so the app's `../src/index.js` import resolves).
import { copyFile, mkdir } from "node:fs/promises";
const dist = new URL("../dist/", import.meta.url);
await mkdir(new URL("demo/", dist), { recursive: true });
await copyFile(new URL("../demo/style.css", import.meta.url), new URL("demo/style.css", dist));
await copyFile(new URL("../demo/index.html", import.meta.url), new URL("index.html", dist));
console.log("demo page in dist/ (index.html, demo/, src/)");
