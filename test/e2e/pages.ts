// The site's page list, read from the Framework config so every page a later issue
// adds is tested with no extra work.
import config from "../../observablehq.config.ts";

interface PageEntry {name: string; path: string}
interface SectionEntry {name: string; pages: PageEntry[]}

/** Every page path in the config (sections flattened), as served paths ("/", "/math"). */
export function configuredPages(): PageEntry[] {
  const entries = (config.pages ?? []) as (PageEntry | SectionEntry)[];
  return entries.flatMap((entry) => ("pages" in entry ? entry.pages : [entry]));
}
