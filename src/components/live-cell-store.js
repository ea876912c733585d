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
