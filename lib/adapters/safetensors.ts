// The safetensors format (huggingface/safetensors, the format PEFT saves adapters in):
//   8 bytes   N, the header length, unsigned 64-bit little-endian
//   N bytes   UTF-8 JSON: {"__metadata__"?: {string: string}, name: {dtype, shape, data_offsets: [begin, end]}, …}
//   the rest  the data section; offsets are relative to its start, values little-endian.
// Writing is deterministic (keys sorted, header space-padded to a multiple of 8 as the
// reference writer pads it) so the same adapter always gives the same bytes. Reading is
// strict: every check of the reference reader, plus finiteness, each naming the key.
import {bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits} from "./float16.js";

/** The dtypes read and written here; all convert to and from Float32Array. */
export type SafetensorsDtype = "F32" | "F16" | "BF16";

/** One tensor: row-major values, the shape they have, and how they are (or are to be) stored. */
export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array;
}

/** A tensor to write; `dtype` defaults to F32. */
export interface TensorToWrite {
  dtype?: SafetensorsDtype;
  shape: readonly number[];
  data: Float32Array;
}

/** What `readSafetensors` returns: tensors in header key order, and the optional string metadata. */
export interface SafetensorsContents {
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string> | null;
}

/** Options for `readSafetensors`. */
export interface ReadOptions {
  /** Largest header accepted, in bytes; the reference reader's limit is 100,000,000. */
  maxHeaderBytes?: number;
  /** Accept NaN and ±Infinity (an adapter never needs them, so by default they are an error). */
  allowNonFinite?: boolean;
}

/** Bytes per value of each dtype. */
export const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = {F32: 4, F16: 2, BF16: 2};

/** The reference reader's header limit (safetensors' MAX_HEADER_SIZE). */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = "__metadata__";

/** Serialises tensors (a Map or a plain record) and optional string metadata to safetensors bytes. */
export function writeSafetensors(
  tensors: ReadonlyMap<string, TensorToWrite> | Readonly<Record<string, TensorToWrite>>,
  metadata?: Readonly<Record<string, string>>
): Uint8Array {
  const entries: [string, TensorToWrite][] = tensors instanceof Map ? [...tensors] : Object.entries(tensors as Record<string, TensorToWrite>);
  // Code-unit order; for the ASCII names of PEFT files it is the byte order the reference uses.
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== "string") throw new TypeError(`metadata "${key}" must be a string, got ${typeof value}`);
    }
    header[METADATA_KEY] = {...metadata};
  }
  let offset = 0;
  for (const [name, {dtype = "F32", shape, data}] of entries) {
    if (name === "" || name === METADATA_KEY) throw new RangeError(`tensor name "${name}" is not allowed`);
    if (!(dtype in DTYPE_BYTES)) throw new RangeError(`"${name}": unknown dtype ${dtype}`);
    const count = checkShape(name, shape);
    if (data.length !== count) {
      throw new RangeError(`"${name}": shape [${shape.join(", ")}] needs ${count} values, data has ${data.length}`);
    }
    const end = offset + count * DTYPE_BYTES[dtype];
    // Field order as the reference serialises TensorInfo: dtype, shape, data_offsets.
    header[name] = {dtype, shape: [...shape], data_offsets: [offset, end]};
    offset = end;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8; // pad with spaces: the data section starts 8-aligned
  const bytes = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, headerLength, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  bytes.set(json, 8);
  bytes.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const [name, {dtype = "F32", data}] of entries) {
    position = encode(name, dtype, data, view, position);
  }
  return bytes;
}

/** Parses safetensors bytes; throws an Error naming the key and the problem on any malformed input. */
export function readSafetensors(
  bytes: Uint8Array,
  {maxHeaderBytes = MAX_HEADER_BYTES, allowNonFinite = false}: ReadOptions = {}
): SafetensorsContents {
  if (bytes.length < 8) throw new Error(`safetensors: file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > maxHeaderBytes) {
    throw new Error(`safetensors: header length ${headerLength} exceeds the limit of ${maxHeaderBytes} bytes`);
  }
  if (8 + headerLength > bytes.length) {
    throw new Error(`safetensors: header length ${headerLength} runs past the end of the ${bytes.length}-byte file`);
  }
  const header = parseHeader(bytes.subarray(8, 8 + headerLength));
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;

  let metadata: Record<string, string> | null = null;
  const infos: {name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number}[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      metadata = checkMetadata(entry);
      continue;
    }
    infos.push({name, ...checkEntry(name, entry, dataLength)});
  }
  // Like the reference: sorted by offset, the tensors must tile the data section exactly.
  const byOffset = [...infos].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const {name, begin, end} of byOffset) {
    if (begin > expected) throw new Error(`safetensors: "${name}" starts at byte ${begin}, leaving bytes ${expected}…${begin - 1} unused`);
    if (begin < expected) throw new Error(`safetensors: "${name}" starts at byte ${begin}, overlapping the tensor before it (which ends at ${expected})`);
    expected = end;
  }
  if (expected !== dataLength) {
    throw new Error(`safetensors: the tensors cover ${expected} bytes but the data section has ${dataLength}`);
  }
  const tensors = new Map<string, SafetensorsTensor>();
  for (const {name, dtype, shape, begin, end} of infos) {
    const data = decode(dtype, view, dataStart + begin, (end - begin) / DTYPE_BYTES[dtype]);
    if (!allowNonFinite) {
      const bad = data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new Error(`safetensors: "${name}" has a non-finite value (${data[bad]}) at index ${bad}`);
    }
    tensors.set(name, {dtype, shape, data});
  }
  return {tensors, metadata};
}

function parseHeader(raw: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", {fatal: true}).decode(raw);
  } catch {
    throw new Error("safetensors: header is not valid UTF-8");
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    throw new Error(`safetensors: header is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(header)) throw new Error(`safetensors: header must be a JSON object, got ${describe(header)}`);
  return header;
}

function checkMetadata(entry: unknown): Record<string, string> {
  if (!isPlainObject(entry)) throw new Error(`safetensors: "${METADATA_KEY}" must be an object of strings, got ${describe(entry)}`);
  for (const [key, value] of Object.entries(entry)) {
    if (typeof value !== "string") throw new Error(`safetensors: "${METADATA_KEY}"."${key}" must be a string, got ${describe(value)}`);
  }
  return {...(entry as Record<string, string>)};
}

function checkEntry(name: string, entry: unknown, dataLength: number) {
  if (!isPlainObject(entry)) throw new Error(`safetensors: "${name}" must be an object {dtype, shape, data_offsets}, got ${describe(entry)}`);
  for (const field of Object.keys(entry)) {
    if (!["dtype", "shape", "data_offsets"].includes(field)) throw new Error(`safetensors: "${name}" has an unknown field "${field}"`);
  }
  const {dtype, shape, data_offsets: offsets} = entry;
  if (typeof dtype !== "string" || !Object.hasOwn(DTYPE_BYTES, dtype)) {
    throw new Error(`safetensors: "${name}" has dtype ${describe(dtype)}; supported: ${Object.keys(DTYPE_BYTES).join(", ")}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`safetensors: "${name}" has shape ${describe(shape)}; expected an array of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new Error(`safetensors: "${name}" has data_offsets ${describe(offsets)}; expected [begin, end], non-negative integers`);
  }
  const [begin, end] = offsets as number[];
  if (begin > end) throw new Error(`safetensors: "${name}" has data_offsets [${begin}, ${end}] with begin after end`);
  if (end > dataLength) throw new Error(`safetensors: "${name}" has data_offsets [${begin}, ${end}] beyond the ${dataLength}-byte data section`);
  const count = (shape as number[]).reduce((p, d) => p * d, 1);
  const size = DTYPE_BYTES[dtype as SafetensorsDtype];
  if (end - begin !== count * size) {
    throw new Error(`safetensors: "${name}" spans ${end - begin} bytes, but shape [${shape.join(", ")}] of ${dtype} needs ${count * size}`);
  }
  return {dtype: dtype as SafetensorsDtype, shape: [...(shape as number[])], begin, end};
}

function checkShape(name: string, shape: readonly number[]): number {
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new RangeError(`"${name}": shape [${shape.join(", ")}] must hold non-negative integers`);
  }
  return shape.reduce((p, d) => p * d, 1);
}

function encode(name: string, dtype: SafetensorsDtype, data: Float32Array, view: DataView, position: number): number {
  // The reader refuses non-finite values, so the writer must not produce them.
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`"${name}": non-finite value ${data[bad]} at index ${bad}`);
  if (dtype === "F32") {
    // Copy bits, not values: −0, subnormals and every payload survive exactly.
    const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
    for (let i = 0; i < bits.length; i++, position += 4) view.setUint32(position, bits[i], true);
    return position;
  }
  const toBits = dtype === "F16" ? float32ToFloat16Bits : float32ToBfloat16Bits;
  const back = dtype === "F16" ? float16BitsToFloat32 : bfloat16BitsToFloat32;
  for (let i = 0; i < data.length; i++, position += 2) {
    const bits = toBits(data[i]);
    // A finite value that rounds to ±Infinity (|x| ≥ 65520 in F16) would fail on reading: refuse it now.
    if (!Number.isFinite(back(bits))) {
      throw new RangeError(`"${name}": value ${data[i]} at index ${i} overflows ${dtype}`);
    }
    view.setUint16(position, bits, true);
  }
  return position;
}

function decode(dtype: SafetensorsDtype, view: DataView, position: number, count: number): Float32Array {
  const out = new Float32Array(count);
  if (dtype === "F32") {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++, position += 4) bits[i] = view.getUint32(position, true);
    return out;
  }
  const fromBits = dtype === "F16" ? float16BitsToFloat32 : bfloat16BitsToFloat32;
  for (let i = 0; i < count; i++, position += 2) out[i] = fromBits(view.getUint16(position, true));
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(describe).join(", ")}]`;
  return value === null ? "null" : typeof value === "object" ? "an object" : JSON.stringify(value) ?? String(value);
}
