// The page a reader is on, as a key for what the site keeps in localStorage (live-cell
// edits, solved exercises): its own module so exercises need not load the live-cell code.

/** The page's path without ".html" or a trailing "/index", so clean and plain URLs share edits. */
export function pagePath(pathname = location.pathname) {
  return pathname.replace(/\.html$/, "").replace(/\/index$/, "/");
}
