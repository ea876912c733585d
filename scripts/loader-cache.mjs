// Framework re-runs a data loader only when the loader file itself is newer than
// its cached output, not when the lib/ code it imports changes. So after an edit
// to lib/, `npm run dev` (and an incremental build) would keep serving build-time
// results computed by the old code. This drops Framework's cached loader output
// whenever lib/ or the loaders' own folder changed since the last run.
import {createHash} from "node:crypto";
import {mkdir, readdir, readFile, rm, writeFile} from "node:fs/promises";
import {join} from "node:path";

const root = new URL("..", import.meta.url).pathname;
const cache = join(root, "src/.observablehq/cache");
const stamp = join(cache, "loaders-lib.sha256");

const hash = createHash("sha256");
for (const folder of ["lib", "src/data"]) {
  const files = (await readdir(join(root, folder), {recursive: true})).filter((f) => f.endsWith(".ts") && !f.includes("generated")).sort();
  for (const file of files) hash.update(file).update(await readFile(join(root, folder, file)));
}
const digest = hash.digest("hex");
const previous = await readFile(stamp, "utf8").catch(() => "");
if (previous !== digest) {
  await rm(join(cache, "data"), {recursive: true, force: true});
  await mkdir(cache, {recursive: true});
  await writeFile(stamp, digest);
  if (previous) console.log("loader-cache: lib/ or src/data changed, cached loader output dropped");
}
