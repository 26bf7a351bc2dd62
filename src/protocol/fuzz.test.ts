import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FoxgloveError } from "../core/FoxgloveError.js";
import {
  decodeClientBinary,
  decodeClientBinaryV1,
  encodeClientBinary,
} from "./clientBinaryCodec.js";
import { decodeClientJson, decodeClientJsonV1, encodeClientJson } from "./clientJsonCodec.js";
import { decodeDataTrackFrame, encodeDataTrackFrame } from "./dataTrackFrameCodec.js";
import type { Frame } from "./Frame.js";
import { FrameDecoder } from "./FrameDecoder.js";
import {
  decodeClientFrame,
  decodeServerFrame,
  encodeClientFrame,
  encodeServerFrame,
} from "./messageFrames.js";
import { decodeParameter, encodeParameter } from "./parameterCodec.js";
import { parseJson } from "./parseJson.js";
import { parseSemVer } from "./protocolVersion.js";
import { decodeSchemaText } from "./schemaText.js";
import {
  decodeServerBinary,
  decodeServerBinaryV1,
  encodeServerBinary,
} from "./serverBinaryCodec.js";
import { decodeServerJson, encodeServerJson } from "./serverJsonCodec.js";
import { Mulberry32 } from "./testing/mulberry32.js";
import { mutateBytes, mutateJson } from "./testing/mutate.js";
import {
  everyClientBinary,
  everyClientBinaryV1,
  everyClientJson,
  everyClientJsonV1,
  everyServerBinary,
  everyServerBinaryV1,
  everyServerJson,
} from "./testing/sampleMessages.js";
import * as vectors from "./testing/specVectors.js";

const ITERATIONS = 10_000;
const SEED = 0x5eed_f0c5;
const CODES = new Set(["ERR_DECODE", "ERR_PROTOCOL", "ERR_FRAME_TOO_LARGE"]);

const hexOf = (b: Uint8Array | string): string =>
  typeof b === "string" ? JSON.stringify(b) : Buffer.from(b).toString("hex");

interface Tally {
  ok: number;
  failed: number;
}

/** Runs `fn`; returns its value, or undefined after checking the error is a typed decode error. */
function attempt<T>(tally: Tally, input: Uint8Array | string, fn: () => T): T | undefined {
  try {
    const value = fn();
    tally.ok++;
    return value;
  } catch (error) {
    if (!(error instanceof FoxgloveError) || !CODES.has(error.code) || error.cause !== undefined) {
      assert.fail(`untyped or internal error for input ${hexOf(input)}: ${String(error)}`);
    }
    tally.failed++;
    return undefined;
  }
}

function checkMix(name: string, tally: Tally): void {
  assert.ok(tally.ok + tally.failed >= ITERATIONS, `${name}: ran ${tally.ok + tally.failed}`);
  assert.ok(
    tally.ok > 100 && tally.failed > 100,
    `${name}: ok ${tally.ok}, failed ${tally.failed}`,
  );
}

const utf8 = new TextEncoder();

/** Fuzzes a decoder with random inputs and mutations of `seeds`; decoded messages must round-trip. */
function fuzzDecoder<T>(
  name: string,
  seeds: Uint8Array[],
  decode: (input: Uint8Array) => T,
  encode: (message: T) => Uint8Array | string,
  decodeAgain: (wire: Uint8Array | string) => T,
  jsonSeeds?: string[],
): void {
  test(`${name}: ${ITERATIONS} random and mutated inputs end in a message or a typed error`, () => {
    const rng = new Mulberry32(SEED ^ name.length);
    const tally: Tally = { ok: 0, failed: 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      let input: Uint8Array | string;
      const r = rng.next();
      if (r < 0.1) {
        input = rng.bytes(rng.int(48));
      } else if (jsonSeeds !== undefined && r < 0.6) {
        input = mutateJson(rng, rng.pick(jsonSeeds), rng.pick(jsonSeeds));
      } else {
        input = mutateBytes(rng, rng.pick(seeds), rng.pick(seeds));
      }
      const bytes = typeof input === "string" ? utf8.encode(input) : input;
      const message = attempt(tally, input, () => decode(bytes));
      if (message !== undefined) {
        // Whatever decodes must re-encode and decode to the same message.
        let wire: Uint8Array | string;
        try {
          wire = encode(message);
        } catch (error) {
          assert.fail(`re-encoding failed for ${hexOf(input)}: ${String(error)}`);
        }
        assert.deepStrictEqual(decodeAgain(wire), message, `round trip of ${hexOf(input)}`);
      }
    }
    checkMix(name, tally);
  });
}

const bin = (hexText: string): Uint8Array => vectors.hex(hexText);
const jsonSeedsOf = (texts: string[]): string[] => texts.map((t) => JSON.stringify(JSON.parse(t)));
const serverJsonTexts = jsonSeedsOf([
  ...vectors.serverJsonVectors.map((v) => v.json),
  ...everyServerJson.map(encodeServerJson),
]);
const clientJsonTexts = jsonSeedsOf([
  ...vectors.clientJsonVectors.map((v) => v.json),
  ...everyClientJson.map(encodeClientJson),
]);
const clientJsonV1Texts = jsonSeedsOf([
  ...vectors.clientJsonV1Vectors.map((v) => v.json),
  ...everyClientJsonV1.map(encodeClientJson),
  ...clientJsonTexts.filter((t) => !t.includes('"subscribe"') && !t.includes('"unsubscribe"')),
]);
const asBytes = (texts: string[]): Uint8Array[] => texts.map((t) => utf8.encode(t));
const textOf = (wire: Uint8Array | string): string =>
  typeof wire === "string" ? wire : new TextDecoder().decode(wire);

describe("fuzz (seeded)", { timeout: 120_000 }, () => {
  fuzzDecoder(
    "decodeServerJson",
    asBytes(serverJsonTexts),
    decodeServerJson,
    encodeServerJson,
    (w) => decodeServerJson(textOf(w)),
    serverJsonTexts,
  );
  fuzzDecoder(
    "decodeClientJson",
    asBytes(clientJsonTexts),
    decodeClientJson,
    encodeClientJson,
    (w) => decodeClientJson(textOf(w)),
    clientJsonTexts,
  );
  fuzzDecoder(
    "decodeClientJsonV1",
    asBytes(clientJsonV1Texts),
    decodeClientJsonV1,
    encodeClientJson,
    (w) => decodeClientJsonV1(textOf(w)),
    clientJsonV1Texts,
  );

  const parameterTexts = vectors.parameterVectors.map((v) => v.json);
  fuzzDecoder(
    "decodeParameter",
    asBytes(parameterTexts),
    (b) => decodeParameter(parseJson(new TextDecoder().decode(b)), "fuzz", "p"),
    (p) => encodeParameter(p),
    (w) => decodeParameter(parseJson(textOf(w)), "fuzz", "p"),
    parameterTexts,
  );

  const bytesOf = (w: Uint8Array | string): Uint8Array =>
    typeof w === "string" ? utf8.encode(w) : w;
  fuzzDecoder(
    "decodeServerBinary",
    [
      ...vectors.serverBinaryVectors.map((v) => bin(v.hex)),
      ...everyServerBinary.map(encodeServerBinary),
    ],
    decodeServerBinary,
    encodeServerBinary,
    (w) => decodeServerBinary(bytesOf(w)),
  );
  fuzzDecoder(
    "decodeServerBinaryV1",
    [
      ...vectors.serverBinaryV1Vectors.map((v) => bin(v.hex)),
      ...everyServerBinaryV1.map(encodeServerBinary),
    ],
    decodeServerBinaryV1,
    encodeServerBinary,
    (w) => decodeServerBinaryV1(bytesOf(w)),
  );
  fuzzDecoder(
    "decodeClientBinary",
    [
      ...vectors.clientBinaryVectors.map((v) => bin(v.hex)),
      ...everyClientBinary.map(encodeClientBinary),
    ],
    decodeClientBinary,
    encodeClientBinary,
    (w) => decodeClientBinary(bytesOf(w)),
  );
  fuzzDecoder(
    "decodeClientBinaryV1",
    [
      ...vectors.clientBinaryV1Vectors.map((v) => bin(v.hex)),
      ...everyClientBinaryV1.map(encodeClientBinary),
    ],
    decodeClientBinaryV1,
    encodeClientBinary,
    (w) => decodeClientBinaryV1(bytesOf(w)),
  );
  fuzzDecoder(
    "decodeDataTrackFrame",
    [
      ...vectors.dataTrackVectors.map((v) => bin(v.hex)),
      encodeDataTrackFrame(2 ** 32 - 1, new Uint8Array(20)),
    ],
    (b) => {
      const { sequence, data } = decodeDataTrackFrame(b);
      return { sequence, data };
    },
    (f) => encodeDataTrackFrame(f.sequence, f.data),
    (w) => {
      const { sequence, data } = decodeDataTrackFrame(bytesOf(w));
      return { sequence, data };
    },
  );

  test(`FrameDecoder: ${ITERATIONS} mutated streams, whole and in random chunks, agree and never hang`, () => {
    const rng = new Mulberry32(SEED);
    const serverFrames = [...everyServerJson, ...everyServerBinary].map(encodeServerFrame);
    const clientFrames = [...everyClientJson, ...everyClientBinary].map(encodeClientFrame);
    const vectorFrames = vectors.frameVectors.map((v) => bin(v.hex));
    const seeds = [...serverFrames, ...clientFrames, ...vectorFrames];
    const tally: Tally = { ok: 0, failed: 0 };
    const messages: Tally = { ok: 0, failed: 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      // A stream of 1..4 frames, then one mutation of the whole stream (or pure noise).
      const parts = Array.from({ length: 1 + rng.int(4) }, () => rng.pick(seeds));
      const clean = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((o, p) => (clean.set(p, o), o + p.length), 0);
      const stream =
        rng.next() < 0.05 ? rng.bytes(rng.int(64)) : mutateBytes(rng, clean, rng.pick(seeds));

      // Whole stream at once vs random chunks: same frames, same verdict, never stuck.
      const whole = new FrameDecoder();
      const wholeFrames: Frame[] = [];
      attempt(tally, stream, () => wholeFrames.push(...whole.push(stream)));

      const chunked = new FrameDecoder();
      const chunkedFrames: Frame[] = [];
      let offset = 0;
      let steps = 0;
      while (offset < stream.length && chunked.error === undefined) {
        const n = 1 + rng.int(Math.min(32, stream.length - offset));
        const chunk = stream.subarray(offset, offset + n);
        offset += n;
        attempt(tally, stream, () => chunkedFrames.push(...chunked.push(chunk)));
        assert.ok(++steps <= stream.length, "progress on every chunk");
      }
      assert.equal(chunked.error?.code, whole.error?.code, `same verdict for ${hexOf(stream)}`);
      assert.deepStrictEqual(chunkedFrames, wholeFrames, `same frames for ${hexOf(stream)}`);
      assert.equal(chunked.pendingBytes, whole.pendingBytes);
      attempt(tally, stream, () => whole.finish());
      for (const frame of wholeFrames) {
        attempt(messages, frame.payload, () => decodeServerFrame(frame));
        attempt(messages, frame.payload, () => decodeClientFrame(frame));
      }
    }
    checkMix("FrameDecoder", tally);
    assert.ok(messages.ok > 1000 && messages.failed > 1000, JSON.stringify(messages));
  });

  test("schema text and semver parsing never throw untyped errors", () => {
    const rng = new Mulberry32(SEED + 1);
    const tally: Tally = { ok: 0, failed: 0 };
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_. \n";
    for (let i = 0; i < ITERATIONS; i++) {
      const text = Array.from({ length: rng.int(16) }, () => rng.pick([...alphabet])).join("");
      attempt(tally, text, () =>
        decodeSchemaText(rng.pick(["protobuf", "flatbuffer", "ros2msg"]), text),
      );
      const v = `${rng.int(4)}.${rng.int(4)}.${rng.int(4)}${text.slice(0, 6)}`;
      const parsed = parseSemVer(v);
      assert.ok(parsed === undefined || Number.isSafeInteger(parsed.major));
    }
    checkMix("decodeSchemaText", tally);
  });
});
