// Where a live cell's code lives besides the page: the reader's edits in
// localStorage (one key per page and cell) and shared code in the URL's hash
// (#cell-<id>=<base64url of the UTF-8 code>). The hash never reaches the server
// and Framework's page loads leave it alone.

export {pagePath} from "./page-path.js";

/** The localStorage key of a cell's edited code. */
export function storageKey(page, id) {
  return `live-cell:${page}:${id}`;
}

/** The reader's saved edit, or null (also when storage is unavailable). */
export function loadEdit(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Saves the code, or forgets it when it equals the original. Returns false if storage refused. */
export function saveEdit(key, code, original) {
  try {
    if (code === original) localStorage.removeItem(key);
    else localStorage.setItem(key, code);
    return true;
  } catch {
    return false; // private mode or a full quota: the edit lives until the tab closes
  }
}

/**
 * A run in progress is marked in localStorage until it ends, and the mark is cleared
 * when the page is left normally (pagehide). A mark found at load therefore means the
 * tab died during a run: Chromium gives a page no way to measure a worker's memory, and
 * a cell that fills it takes the whole tab down (~35 s of `a.push(new Array(1e5))`).
 */
export function markRunning(key, running) {
  try {
    if (running) localStorage.setItem(`${key}:running`, String(Date.now()));
    else localStorage.removeItem(`${key}:running`);
  } catch {
    // no storage: the crash notice is lost, nothing else
  }
}

/** True (once) when the last run of this cell never ended because the tab closed or crashed. */
export function takeUnendedRun(key) {
  const marked = loadEdit(`${key}:running`) !== null;
  if (marked) markRunning(key, false);
  return marked;
}

export function encodeCode(code) {
  let binary = "";
  for (const byte of new TextEncoder().encode(code)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCode(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder("utf-8", {fatal: true}).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** A link to this page that carries `code` for cell `id`. */
export function cellLink(id, code) {
  const url = new URL(location.href);
  url.hash = `cell-${id}=${encodeCode(code)}`;
  return url.href;
}

/**
 * Code for cell `id` carried by the URL's hash, or null. The entry is then removed
 * from the address bar, so a later reload shows the reader's own edits, not the link's.
 */
export function takeLinkedCode(id) {
  const entries = location.hash.slice(1).split("&").filter(Boolean);
  const prefix = `cell-${id}=`;
  const entry = entries.find((e) => e.startsWith(prefix));
  if (!entry) return null;
  const rest = entries.filter((e) => e !== entry).join("&");
  history.replaceState(history.state, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
  try {
    return decodeCode(entry.slice(prefix.length));
  } catch {
    return null; // a truncated or mangled link: ignore it
  }
}
