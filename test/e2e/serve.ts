// A dependency-free static server for dist/ with Framework's clean URLs
// (/page -> page.html, / -> index.html). Used by the browser tests and by
// `npm run serve`. Binds to 127.0.0.1 only.
import {createServer, type Server} from "node:http";
import {readFile, stat} from "node:fs/promises";
import {extname, join, normalize, resolve} from "node:path";

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".bin": "application/octet-stream",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".csv": "text/csv",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2"
};

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/** Maps a URL path to a file in root, trying Framework's clean-URL forms. */
export async function resolveFile(root: string, urlPath: string): Promise<string | null> {
  const path = normalize(decodeURIComponent(urlPath)).replace(/^(\.\.[/\\])+/, "");
  const base = join(root, path);
  if (!base.startsWith(root)) return null;
  const candidates = path.endsWith("/") ? [join(base, "index.html")] : [base, `${base}.html`, join(base, "index.html")];
  for (const candidate of candidates) if (await isFile(candidate)) return candidate;
  return null;
}

/** Starts the server on 127.0.0.1 (port 0 = any free port); resolves with it and its origin. */
export async function serve(root = "dist", port = 0): Promise<{server: Server; origin: string}> {
  const absoluteRoot = resolve(root);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const file = await resolveFile(absoluteRoot, url.pathname);
    if (!file) {
      res.writeHead(404, {"content-type": "text/plain"}).end(`not found: ${url.pathname}`);
      return;
    }
    res.writeHead(200, {"content-type": types[extname(file)] ?? "application/octet-stream"});
    res.end(await readFile(file));
  });
  await new Promise<void>((done) => server.listen(port, "127.0.0.1", done));
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  return {server, origin: `http://127.0.0.1:${actualPort}`};
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 3000);
  const {origin} = await serve(process.argv[2] ?? "dist", port);
  console.log(`serving dist/ at ${origin}`);
}
