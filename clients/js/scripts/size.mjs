// The client's size as a page ships it: src/index.ts bundled and minified by esbuild, then
// gzipped. The README states it; the budget is 15 KB.
import { build } from "esbuild";
import { gzipSync } from "node:zlib";

const out = await build({
  entryPoints: [new URL("../src/index.ts", import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: "esm",
  write: false,
});
const code = out.outputFiles[0].contents;
const gz = gzipSync(code, { level: 9 }).length;
console.log(`@prodsync/client: ${(code.length / 1024).toFixed(1)} KB minified, ${(gz / 1024).toFixed(1)} KB minified + gzip`);
if (gz > 15 * 1024) {
  console.error("over the 15 KB budget");
  process.exit(1);
}
