// safetensors: F16/BF16 conversions against IEEE 754 values, bit-exact F32 round
// trips, a file built byte by byte from the format description, and every kind of
// malformed file the reader must refuse, each with the key and the problem named.
import {describe, expect, it} from "vitest";
import {bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits, readSafetensors, writeSafetensors} from "../../lib/index.js";

const utf8 = (text: string) => new TextEncoder().encode(text);

/** A file from a header string and data bytes; `declared` overrides the header length field. */
function file(header: string, data: ArrayLike<number> = [], declared?: number): Uint8Array {
  const json = utf8(header);
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setUint32(0, declared ?? json.length, true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

const bitsOf = (data: Float32Array) => Array.from(new Uint32Array(data.buffer, data.byteOffset, data.length));

describe("binary16 (IEEE 754 half precision: 1 sign, 5 exponent bits with bias 15, 10 fraction bits)", () => {
  // Values from the binary16 encoding: 0x3C00 = 1, 0x7BFF = (2 − 2^-10)·2^15 = 65504 (max),
  // 0x0400 = 2^-14 (min normal), 0x03FF = 2^-14 − 2^-24 (max subnormal), 0x0001 = 2^-24 (min subnormal),
  // 0x3555 = 0.333251953125 (nearest to 1/3), 0x2E66 = 0.0999755859375 (nearest to 0.1), 0xC000 = −2.
  const exact: [number, number][] = [
    [1, 0x3c00], [65504, 0x7bff], [2 ** -14, 0x0400], [2 ** -14 - 2 ** -24, 0x03ff], [2 ** -24, 0x0001],
    [0.333251953125, 0x3555], [-2, 0xc000], [0, 0x0000], [1 + 2 ** -10, 0x3c01], [0.99951171875, 0x3bff]
  ];
  it("encodes and decodes the textbook values", () => {
    for (const [value, bits] of exact) {
      expect(float32ToFloat16Bits(value), `${value}`).toBe(bits);
      expect(float16BitsToFloat32(bits), `0x${bits.toString(16)}`).toBe(value);
    }
    expect(float32ToFloat16Bits(-0)).toBe(0x8000);
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(float32ToFloat16Bits(Infinity)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-Infinity)).toBe(0xfc00);
    expect(float16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
    const nan = float32ToFloat16Bits(NaN);
    expect(nan & 0x7c00).toBe(0x7c00);
    expect(nan & 0x3ff).not.toBe(0);
  });

  it("rounds to nearest, ties to even", () => {
    expect(float32ToFloat16Bits(Math.fround(1 / 3))).toBe(0x3555);
    expect(float32ToFloat16Bits(Math.fround(0.1))).toBe(0x2e66);
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie between 0x3C00 and 0x3C01: even
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie between 0x3C01 and 0x3C02: even
    expect(float32ToFloat16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above the tie
    expect(float32ToFloat16Bits(65519)).toBe(0x7bff);
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00); // tie between 65504 and 2^16: rounds to Infinity
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0x0000); // tie between 0 and 2^-24: even
    expect(float32ToFloat16Bits(3 * 2 ** -25)).toBe(0x0002); // tie between 2^-24 and 2·2^-24: even
    expect(float32ToFloat16Bits(2 ** -26)).toBe(0x0000);
    expect(float32ToFloat16Bits(1.5 * 2 ** -24)).toBe(0x0002);
    expect(float32ToFloat16Bits(2 ** -14 - 2 ** -25)).toBe(0x0400); // largest subnormal + half ulp rounds up to min normal
  });

  it("decode then encode is the identity on all 63,488 non-NaN bit patterns", () => {
    let mismatches = 0;
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00 && bits & 0x3ff) continue;
      if (float32ToFloat16Bits(float16BitsToFloat32(bits)) !== bits) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe("bfloat16 (the top 16 bits of binary32)", () => {
  it("encodes and decodes known values", () => {
    expect(float32ToBfloat16Bits(1)).toBe(0x3f80);
    expect(float32ToBfloat16Bits(Math.fround(Math.PI))).toBe(0x4049);
    expect(bfloat16BitsToFloat32(0x4049)).toBe(3.140625);
    expect(float32ToBfloat16Bits(-2)).toBe(0xc000);
    expect(float32ToBfloat16Bits(2 ** -126)).toBe(0x0080);
    expect(bfloat16BitsToFloat32(0x7f7f)).toBe(3.3895313892515355e38); // (2 − 2^-7)·2^127, the max
    expect(float32ToBfloat16Bits(Infinity)).toBe(0x7f80);
    expect(float32ToBfloat16Bits(-0)).toBe(0x8000);
  });

  it("rounds to nearest, ties to even", () => {
    expect(float32ToBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80);
    expect(float32ToBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(float32ToBfloat16Bits(1 + 2 ** -8 + 2 ** -20)).toBe(0x3f81);
    // Halfway between the max (2 − 2^-7)·2^127 and 2^128 is (2 − 2^-8)·2^127 ≈ 3.39618e38.
    expect(float32ToBfloat16Bits(3.3961e38)).toBe(0x7f7f); // just below: the max
    expect(float32ToBfloat16Bits(3.3963e38)).toBe(0x7f80); // just above: Infinity
  });

  it("decode then encode is the identity on every non-NaN pattern", () => {
    let mismatches = 0;
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7f80) === 0x7f80 && bits & 0x7f) continue;
      if (float32ToBfloat16Bits(bfloat16BitsToFloat32(bits)) !== bits) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe("round trips", () => {
  it("F32 is bit-exact, including −0, subnormals and the extremes", () => {
    const data = Float32Array.of(0, -0, 1, -1.5, 2 ** -149, -(2 ** -149), 1.1754942106924411e-38, 3.4028234663852886e38, Math.PI, -1e-30);
    const {tensors} = readSafetensors(writeSafetensors({x: {shape: [2, 5], data}}));
    const x = tensors.get("x")!;
    expect(x.dtype).toBe("F32");
    expect(x.shape).toEqual([2, 5]);
    expect(bitsOf(x.data)).toEqual(bitsOf(data));
  });

  it("F16 and BF16 store the rounded values and read them back exactly", () => {
    const data = Float32Array.of(1, -2, 0.1, 1 / 3, 65504, 2 ** -24);
    const {tensors} = readSafetensors(writeSafetensors({h: {dtype: "F16", shape: [6], data}, b: {dtype: "BF16", shape: [6], data}}));
    expect(Array.from(tensors.get("h")!.data)).toEqual([1, -2, 0.0999755859375, 0.333251953125, 65504, 2 ** -24]);
    expect(Array.from(tensors.get("b")!.data)).toEqual(Array.from(data, (v) => bfloat16BitsToFloat32(float32ToBfloat16Bits(v))));
    expect(tensors.get("b")!.data[0]).toBe(1);
  });

  it("writes deterministically: sorted keys, header padded with spaces to a multiple of 8, metadata kept", () => {
    const a = {shape: [1], data: Float32Array.of(1)};
    const b = {shape: [2], data: Float32Array.of(2, 3)};
    const first = writeSafetensors({zeta: a, alpha: b}, {format: "pt"});
    const second = writeSafetensors(new Map([["alpha", b], ["zeta", a]]), {format: "pt"});
    expect(first).toEqual(second);
    const n = new DataView(first.buffer).getUint32(0, true);
    expect(n % 8).toBe(0);
    const header = new TextDecoder().decode(first.subarray(8, 8 + n));
    expect(header.trimEnd()).toBe(
      '{"__metadata__":{"format":"pt"},"alpha":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"zeta":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}'
    );
    expect(header.length - header.trimEnd().length).toBe((8 - (header.trimEnd().length % 8)) % 8);
    expect(first.length).toBe(8 + n + 12);
    const read = readSafetensors(first);
    expect([...read.tensors.keys()]).toEqual(["alpha", "zeta"]);
    expect(read.metadata).toEqual({format: "pt"});
  });

  it("refuses to write values the reader would refuse", () => {
    expect(() => writeSafetensors({w: {shape: [1], data: Float32Array.of(NaN)}})).toThrow(/"w".*non-finite/);
    expect(() => writeSafetensors({w: {dtype: "F16", shape: [2], data: Float32Array.of(1, 70000)}})).toThrow(/"w".*70000.*index 1.*overflows F16/);
    expect(() => writeSafetensors({w: {shape: [2, 2], data: new Float32Array(3)}})).toThrow(/"w".*needs 4 values/);
  });
});

describe("a file built by hand from the format description", () => {
  // Header (141 bytes of JSON) + 3 spaces = 144 = 0x90; then b = F16 [1, −2] (00 3C 00 C0) and
  // w = F32 [[1.5, −0.25]] (0x3FC00000, 0xBE800000 little-endian).
  const header = '{"__metadata__":{"format":"pt"},"b":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]}}';
  const bytes = [
    0x90, 0, 0, 0, 0, 0, 0, 0, // N = 144, u64 little-endian
    ...utf8(header), 0x20, 0x20, 0x20, // the JSON, then 3 spaces of padding
    0x00, 0x3c, 0x00, 0xc0,
    0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x80, 0xbe
  ];

  it("is read as the spec says", () => {
    expect(utf8(header).length).toBe(141);
    const {tensors, metadata} = readSafetensors(Uint8Array.from(bytes));
    expect(metadata).toEqual({format: "pt"});
    expect(tensors.get("b")).toEqual({dtype: "F16", shape: [2], data: Float32Array.of(1, -2)});
    expect(tensors.get("w")).toEqual({dtype: "F32", shape: [1, 2], data: Float32Array.of(1.5, -0.25)});
  });

  it("is exactly what the writer produces for the same tensors", () => {
    const written = writeSafetensors(
      {w: {shape: [1, 2], data: Float32Array.of(1.5, -0.25)}, b: {dtype: "F16", shape: [2], data: Float32Array.of(1, -2)}},
      {format: "pt"}
    );
    expect(Array.from(written)).toEqual(bytes);
  });
});

describe("malformed files are refused with the key and the problem", () => {
  const ok = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const eight = new Uint8Array(8);
  const cases: [string, Uint8Array, RegExp][] = [
    ["shorter than 8 bytes", Uint8Array.of(1, 0, 0), /3 bytes, shorter than the 8-byte/],
    ["header length past the end", file(ok, eight, 500), /header length 500 runs past the end/],
    ["header length above the limit", file(ok, eight, 100_000_001), /100000001 exceeds the limit of 100000000/],
    ["header not UTF-8", Uint8Array.from([2, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe]), /not valid UTF-8/],
    ["header not JSON", file('{"w": ', eight), /not valid JSON/],
    ["header an array", file("[1, 2]", eight), /must be a JSON object, got \[1, 2\]/],
    ["header a number", file("42", eight), /must be a JSON object, got 42/],
    ["entry not an object", file('{"w": 3}', eight), /"w" must be an object/],
    ["unknown dtype", file('{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}', eight), /"w" has dtype "F64"; supported: F32, F16, BF16/],
    ["missing dtype", file('{"w":{"shape":[2],"data_offsets":[0,8]}}', eight), /"w" has dtype undefined/],
    ["shape not an array", file('{"w":{"dtype":"F32","shape":2,"data_offsets":[0,8]}}', eight), /"w" has shape 2; expected an array of non-negative integers/],
    ["negative dimension", file('{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}', eight), /"w" has shape \[-2\]/],
    ["fractional dimension", file('{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}', eight), /"w" has shape \[1.5\]/],
    ["offsets not a pair", file('{"w":{"dtype":"F32","shape":[2],"data_offsets":[8]}}', eight), /"w" has data_offsets \[8\]/],
    ["offsets reversed", file('{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}', eight), /"w" .*begin after end/],
    ["offsets out of bounds", file('{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', eight), /"w" has data_offsets \[0, 16\] beyond the 8-byte data section/],
    ["byte length ≠ shape × dtype", file('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', eight), /"w" spans 8 bytes, but shape \[3\] of F32 needs 12/],
    ["F16 size mismatch", file('{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,8]}}', eight), /"w" spans 8 bytes, but shape \[2\] of F16 needs 4/],
    [
      "overlapping tensors",
      file('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', eight),
      /"b" starts at byte 4, overlapping/
    ],
    ["gap before a tensor", file('{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', eight), /"w" starts at byte 4, leaving bytes 0…3 unused/],
    ["trailing bytes", file('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', eight), /cover 4 bytes but the data section has 8/],
    ["unknown field", file('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":1}}', eight), /"w" has an unknown field "extra"/],
    ["metadata not strings", file('{"__metadata__":{"n":1},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', eight), /"__metadata__"."n" must be a string/],
    ["NaN in F32", file('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', [0, 0, 0x80, 0x3f, 0, 0, 0xc0, 0x7f]), /"w" has a non-finite value \(NaN\) at index 1/],
    ["Infinity in F16", file('{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}', [0, 0x7c, 0, 0]), /"w" has a non-finite value \(Infinity\) at index 0/]
  ];
  for (const [what, bytes, message] of cases) {
    it(what, () => expect(() => readSafetensors(bytes)).toThrow(message));
  }

  it("the well-formed base case of these files reads", () => {
    expect(readSafetensors(file(ok, [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40])).tensors.get("w")!.data).toEqual(Float32Array.of(1, 2));
  });

  it("a smaller header limit is honoured, and non-finite values can be allowed explicitly", () => {
    expect(() => readSafetensors(file(ok, eight), {maxHeaderBytes: 16})).toThrow(/exceeds the limit of 16/);
    const nan = file('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', [0, 0, 0xc0, 0x7f]);
    expect(readSafetensors(nan, {allowNonFinite: true}).tensors.get("w")!.data[0]).toBeNaN();
  });
});
