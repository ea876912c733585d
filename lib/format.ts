// How the site prints counts and sizes: one formatter for bytes (SI and binary units
// share formatInUnits) and one for parameter counts the way the paper prints them.

/** A count the way the paper prints it: millions with one decimal (4.7M, 0.3M, 37.7M); K below 0.1M, B from 1B. */
export function abbreviateCount(n: number): string {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`count must be a finite number ≥ 0, got ${n}`);
  if (n >= 1e9) return `${+(n / 1e9).toFixed(1)}B`;
  if (n >= 0.95e5) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

/** Bytes in SI units (1 MB = 10⁶ B, 1 GB = 10⁹ B, as the paper's 350GB = 175B × 2 bytes), 3 significant digits. */
export function formatBytes(bytes: number): string {
  return formatInUnits(bytes, 1000, ["B", "kB", "MB", "GB", "TB", "PB"]);
}

/** Bytes in binary units (1 MiB = 2²⁰ B), 3 significant digits. */
export function formatBinaryBytes(bytes: number): string {
  return formatInUnits(bytes, 1024, ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]);
}

/** `bytes` in the largest unit (powers of `base`) that keeps 3 significant digits below `base`. */
function formatInUnits(bytes: number, base: number, units: readonly string[]): string {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`bytes must be a finite number ≥ 0, got ${bytes}`);
  let i = 0;
  // base − 0.5: a value that would round up to "1000" (or "1024") moves to the next unit.
  while (i < units.length - 1 && bytes >= (base - 0.5) * base ** i) i++;
  const value = bytes / base ** i;
  return `${i === 0 ? value : value.toPrecision(3).replace(/\.0+$|(\.\d*?)0+$/, "$1")} ${units[i]}`;
}
