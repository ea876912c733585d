// A minimal ustar writer for the lab's archive loaders. Framework extracts each
// member of a loader's .tar, so one loader process can pretrain a model once and
// hand the page several files (weights, data, build-time runs) from it.
// Deterministic: mtime 0, fixed mode and owner, so the same input gives the same bytes.

/** Packs files into a tar archive (names ≤ 100 ASCII characters). */
export function tar(files: readonly {name: string; bytes: Uint8Array}[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const {name, bytes} of files) {
    if (name.length > 100 || !/^[\x20-\x7e]+$/.test(name)) throw new RangeError(`tar: bad member name "${name}"`);
    const header = new Uint8Array(512);
    const field = (offset: number, text: string) => header.set(new TextEncoder().encode(text), offset);
    const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, "0") + "\0";
    field(0, name);
    field(100, octal(0o644, 8));
    field(108, octal(0, 8));
    field(116, octal(0, 8));
    field(124, octal(bytes.length, 12));
    field(136, octal(0, 12));
    field(148, "        "); // checksum is computed with its own field as spaces
    field(156, "0");
    field(257, "ustar\0" + "00");
    const checksum = header.reduce((sum, b) => sum + b, 0);
    field(148, checksum.toString(8).padStart(6, "0") + "\0 ");
    blocks.push(header, bytes, new Uint8Array((512 - (bytes.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
