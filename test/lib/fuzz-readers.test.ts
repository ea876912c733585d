// Property tests (fast-check) for the two readers a reader's file reaches: any byte
// string gives either a valid result or an Error with a message naming the format,
// never a hang, a crash of another kind or a silent half-result; and write -> read
// is the identity on the values written. Seeds are fixed so a failure replays.
import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {
  type Adapter, type SafetensorsDtype, DTYPE_BYTES, bfloat16BitsToFloat32, float16BitsToFloat32, fromRows, readPeftAdapter,
  readSafetensors, writePeftAdapter, writeSafetensors
} from "../../lib/index.js";

const runs = {numRuns: 300, seed: 17};
const utf8 = (text: string) => new TextEncoder().encode(text);

/** A file made of a little-endian u64 header length, the header's bytes and the data. */
function framed(header: Uint8Array, data: Uint8Array, declared = header.length): Uint8Array {
  const bytes = new Uint8Array(8 + header.length + data.length);
  new DataView(bytes.buffer).setUint32(0, declared, true);
  bytes.set(header, 8);
  bytes.set(data, 8 + header.length);
  return bytes;
}

/** Runs `read`; a throw must be a plain Error whose message starts with `prefix`. Returns the result or null. */
function readOrRefuse<T>(read: () => T, prefix: RegExp): T | null {
  try {
    return read();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(prefix);
    return null;
  }
}

/** What a valid readSafetensors result must satisfy: data matches shape, values finite. */
function checkContents({tensors}: ReturnType<typeof readSafetensors>): void {
  for (const [name, {dtype, shape, data}] of tensors) {
    expect(name).not.toBe("__metadata__");
    expect(DTYPE_BYTES[dtype]).toBeGreaterThan(0);
    expect(data.length).toBe(shape.reduce((a, b) => a * b, 1));
    for (const value of data) expect(Number.isFinite(value)).toBe(true);
  }
}

// Headers that look like safetensors often enough to get past the JSON parse.
const dtypeArb = fc.constantFrom("F32", "F16", "BF16", "F64", "I8", "", 3);
const entryArb = fc.record({
  dtype: dtypeArb,
  shape: fc.oneof(fc.array(fc.integer({min: -2, max: 6}), {maxLength: 3}), fc.constant("3"), fc.array(fc.double(), {maxLength: 2})),
  data_offsets: fc.oneof(fc.tuple(fc.integer({min: -1, max: 80}), fc.integer({min: -1, max: 80})), fc.array(fc.nat(80), {maxLength: 3}))
}, {requiredKeys: []});
const headerArb = fc.dictionary(fc.oneof(fc.constantFrom("__metadata__", "a", "b", "base_model.model.layers.0.lora_A.weight"), fc.string({maxLength: 6})),
  fc.oneof(entryArb, fc.dictionary(fc.string({maxLength: 3}), fc.string({maxLength: 3})), fc.anything({maxDepth: 1})), {maxKeys: 4});

describe("readSafetensors on any bytes", () => {
  it("random byte strings: an Error naming safetensors, or a valid result", () => {
    fc.assert(fc.property(fc.uint8Array({maxLength: 200}), (bytes) => {
      const contents = readOrRefuse(() => readSafetensors(bytes), /^safetensors: /);
      if (contents) checkContents(contents);
    }), runs);
  });

  it("header lengths anywhere in u64 (huge ones refused at once, not allocated)", () => {
    fc.assert(fc.property(fc.bigInt({min: 0n, max: 2n ** 64n - 1n}), fc.uint8Array({maxLength: 40}), (length, rest) => {
      const bytes = new Uint8Array(8 + rest.length);
      new DataView(bytes.buffer).setBigUint64(0, length, true);
      bytes.set(rest, 8);
      const contents = readOrRefuse(() => readSafetensors(bytes), /^safetensors: /);
      if (contents) checkContents(contents);
    }), runs);
  });

  it("JSON headers of almost-right shape with random data: an Error naming safetensors, or a valid result", () => {
    fc.assert(fc.property(headerArb, fc.uint8Array({maxLength: 80}), fc.integer({min: -3, max: 3}), (header, data, skew) => {
      const json = utf8(JSON.stringify(header));
      const bytes = framed(json, data, Math.max(0, json.length + skew));
      const contents = readOrRefuse(() => readSafetensors(bytes), /^safetensors: /);
      if (contents) checkContents(contents);
    }), runs);
  });

  it("single-byte corruptions of a valid file: an Error, or a result that still satisfies the format", () => {
    const good = writeSafetensors({"a": {shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6)}, "b": {dtype: "F16", shape: [2], data: Float32Array.of(0.5, -2)}}, {format: "pt"});
    fc.assert(fc.property(fc.nat(good.length - 1), fc.integer({min: 0, max: 255}), (at, value) => {
      const bytes = good.slice();
      bytes[at] = value;
      const contents = readOrRefuse(() => readSafetensors(bytes), /^safetensors: /);
      if (contents) checkContents(contents);
    }), runs);
  });
});

/** Float32 values that `dtype` stores exactly (so a round trip must return them bit for bit). */
function representable(dtype: SafetensorsDtype) {
  if (dtype === "F32") return fc.float({noNaN: true, noDefaultInfinity: true}).map(Math.fround);
  const decode = dtype === "F16" ? float16BitsToFloat32 : bfloat16BitsToFloat32;
  return fc.integer({min: 0, max: 0xffff}).map(decode).filter(Number.isFinite);
}

const tensorArb = fc.constantFrom<SafetensorsDtype>("F32", "F16", "BF16").chain((dtype) =>
  fc.tuple(fc.integer({min: 0, max: 4}), fc.integer({min: 0, max: 4})).chain(([rows, cols]) =>
    fc.array(representable(dtype), {minLength: rows * cols, maxLength: rows * cols})
      .map((values) => ({dtype, shape: [rows, cols], data: Float32Array.from(values)}))));

describe("safetensors write -> read", () => {
  it("is the identity on names, dtypes, shapes, values (bit for bit, signed zeros too) and metadata", () => {
    const names = fc.string({minLength: 1, maxLength: 12}).filter((name) => name !== "__metadata__");
    fc.assert(fc.property(fc.dictionary(names, tensorArb, {maxKeys: 5}), fc.option(fc.dictionary(fc.string({maxLength: 5}), fc.string({maxLength: 8}))), (tensors, metadata) => {
      const read = readSafetensors(writeSafetensors(tensors, metadata ?? undefined));
      expect(read.metadata).toEqual(metadata ? {...metadata} : null);
      expect([...read.tensors.keys()].sort()).toEqual(Object.keys(tensors).sort());
      for (const [name, {dtype, shape, data}] of Object.entries(tensors)) {
        const got = read.tensors.get(name)!;
        expect(got.dtype).toBe(dtype);
        expect(got.shape).toEqual(shape);
        expect(Array.from(got.data, (x) => Object.is(x, -0) ? "-0" : x)).toEqual(Array.from(data, (x) => Object.is(x, -0) ? "-0" : x));
      }
    }), runs);
  });
});

// A small valid PEFT adapter to mutate, and adapters of random sizes for the round trip.
const matrixArb = (rows: number, cols: number) =>
  fc.array(fc.float({min: -4, max: 4, noNaN: true}).map(Math.fround), {minLength: rows * cols, maxLength: rows * cols})
    .map((values) => fromRows(Array.from({length: rows}, (_, i) => values.slice(i * cols, (i + 1) * cols))));
const adapterArb: fc.Arbitrary<Adapter> = fc.record({
  rank: fc.integer({min: 1, max: 3}), alpha: fc.double({min: 0.01, max: 64, noNaN: true}), rsLoRA: fc.boolean(),
  inputs: fc.integer({min: 1, max: 4}), outputs: fc.integer({min: 1, max: 4})
}).chain(({rank, alpha, rsLoRA, inputs, outputs}) => fc.tuple(matrixArb(rank, inputs), matrixArb(outputs, rank)).map(([A, B]) => {
  const config = {rank, alpha, rsLoRA, dropout: 0};
  return {config, layers: {"layers.0": {A, B, scaling: rsLoRA ? alpha / Math.sqrt(rank) : alpha / rank}}, saved: {}};
}));

describe("readPeftAdapter on any input", () => {
  const good = writePeftAdapter({config: {rank: 1, alpha: 2, rsLoRA: false, dropout: 0}, layers: {"layers.0": {A: fromRows([[1, 2]]), B: fromRows([[3], [4]]), scaling: 2}}, saved: {}});
  const refusal = /^(readPeftAdapter: |adapter_config\.json: |adapter_config\.json (is|must)|safetensors: )/;

  it("any config text and any weight bytes: an Error naming the file, or an adapter", () => {
    fc.assert(fc.property(fc.oneof(fc.string({maxLength: 60}), fc.json({maxDepth: 2}), fc.constant(good.config)), fc.oneof(fc.uint8Array({maxLength: 120}), fc.constant(good.weights)), (config, weights) => {
      readOrRefuse(() => readPeftAdapter({config, weights}), refusal);
    }), runs);
  });

  it("config objects with random field values: an Error listing the fields, or an adapter with finite scaling", () => {
    const field = fc.oneof(fc.integer(), fc.double(), fc.string({maxLength: 5}), fc.boolean(), fc.constant(null), fc.array(fc.string({maxLength: 8}), {maxLength: 2}), fc.constant(["layers.0"]));
    fc.assert(fc.property(fc.record({peft_type: fc.oneof(fc.constant("LORA"), field), r: fc.oneof(fc.constant(1), field), lora_alpha: field, target_modules: fc.oneof(fc.constant(["layers.0"]), field), bias: fc.oneof(fc.constant("none"), field), use_rslora: field}, {requiredKeys: []}), (change) => {
      const adapter = readOrRefuse(() => readPeftAdapter({config: JSON.stringify({...JSON.parse(good.config), ...change}), weights: good.weights}), refusal);
      if (adapter) for (const layer of Object.values(adapter.layers)) expect(Number.isFinite(layer.scaling)).toBe(true);
    }), runs);
  });

  it("write -> read is the identity on the config and every factor (F32 bit for bit)", () => {
    fc.assert(fc.property(adapterArb, (adapter) => {
      const read = readPeftAdapter(writePeftAdapter(adapter));
      expect(read.config).toEqual(adapter.config);
      for (const [path, {A, B, scaling}] of Object.entries(adapter.layers)) {
        expect(read.layers[path].scaling).toBe(scaling);
        expect(read.layers[path].A).toEqual(A);
        expect(read.layers[path].B).toEqual(B);
      }
    }), runs);
  });
});
