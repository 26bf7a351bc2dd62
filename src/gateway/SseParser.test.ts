import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isFoxgloveError } from "../core/FoxgloveError.js";
import { SseParser, type SseFrame } from "./SseParser.js";

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);
const comment: SseFrame = { kind: "comment" };
const ev = (event: string, data: string): SseFrame => ({ kind: "event", event, data });

/** Parses the whole input in one chunk, then ends the stream. */
function parse(input: string | Uint8Array): SseFrame[] {
  const p = new SseParser();
  const b = typeof input === "string" ? bytes(input) : input;
  return [...p.push(b), ...p.end()];
}

/** Parses the input cut into the given chunk boundaries. */
function parseChunks(chunks: readonly Uint8Array[]): SseFrame[] {
  const p = new SseParser();
  const out: SseFrame[] = [];
  for (const c of chunks) out.push(...p.push(c));
  return [...out, ...p.end()];
}

describe("SseParser: events", () => {
  test("a named event with data", () => {
    assert.deepEqual(parse('event: hello\ndata: {"a":1}\n\n'), [ev("hello", '{"a":1}')]);
  });

  test("two events in one chunk come out in order", () => {
    assert.deepEqual(parse("event: hello\ndata: 1\n\nevent: wake\ndata: 2\n\n"), [
      ev("hello", "1"),
      ev("wake", "2"),
    ]);
  });

  test("multi-line data is joined with LF", () => {
    assert.deepEqual(parse("event: e\ndata: line1\ndata: line2\ndata: line3\n\n"), [
      ev("e", "line1\nline2\nline3"),
    ]);
  });

  test("empty data lines still count as data", () => {
    assert.deepEqual(parse("data\n\n"), [ev("", "")]);
    assert.deepEqual(parse("data:\ndata\n\n"), [ev("", "\n")]);
  });

  test("the default event name is the empty string", () => {
    assert.deepEqual(parse("data: x\n\n"), [ev("", "x")]);
  });

  test("the last event name of a block wins", () => {
    assert.deepEqual(parse("event: a\nevent: b\ndata: x\n\n"), [ev("b", "x")]);
  });

  test("a name after data still names the block", () => {
    assert.deepEqual(parse("data: x\nevent: late\n\n"), [ev("late", "x")]);
  });

  test("the event name resets after each dispatch", () => {
    assert.deepEqual(parse("event: a\ndata: 1\n\ndata: 2\n\n"), [ev("a", "1"), ev("", "2")]);
  });
});

describe("SseParser: field rules", () => {
  test("the space after the colon is optional", () => {
    assert.deepEqual(parse("event:wake\ndata:{}\n\n"), [ev("wake", "{}")]);
  });

  test("only one leading space is removed", () => {
    assert.deepEqual(parse("event:  two\ndata:   three\n\n"), [ev(" two", "  three")]);
  });

  test("a tab is not a space", () => {
    assert.deepEqual(parse("data:\tx\n\n"), [ev("", "\tx")]);
  });

  test("the value is split at the first colon only", () => {
    assert.deepEqual(parse("data: a:b: c\n\n"), [ev("", "a:b: c")]);
  });

  test("a line without a colon is a field with an empty value", () => {
    assert.deepEqual(parse("event\ndata: x\n\n"), [ev("", "x")]);
  });

  test("id, retry and unknown fields are ignored", () => {
    assert.deepEqual(parse("id: 7\nretry: 10\nfoo: bar\nevent: e\ndata: d\n\n"), [ev("e", "d")]);
  });

  test("a block with only ignored fields emits nothing", () => {
    assert.deepEqual(parse("id: 7\nretry: 5\n\n"), []);
  });

  test("field names are case-sensitive", () => {
    assert.deepEqual(parse("Event: e\nDATA: d\ndata: x\n\n"), [ev("", "x")]);
  });

  test("a field name with a leading space is not the field", () => {
    assert.deepEqual(parse(" data: x\n\n"), []);
  });
});

describe("SseParser: blank lines and dispatch", () => {
  test("runs of blank lines emit nothing", () => {
    assert.deepEqual(parse("\n\n\n\r\n\r\r\n"), []);
  });

  test("an event name with no data is discarded with its block", () => {
    assert.deepEqual(parse("event: wake\n\n"), []);
  });

  test("a discarded name does not leak into the next block", () => {
    assert.deepEqual(parse("event: ping\n\ndata: x\n\n"), [ev("", "x")]);
  });

  test("an event needs its blank line before it is emitted", () => {
    const p = new SseParser();
    assert.deepEqual(p.push(bytes("event: hello\ndata: 1\n")), []);
    assert.deepEqual(p.push(bytes("\n")), [ev("hello", "1")]);
  });
});

describe("SseParser: comments", () => {
  test("each comment line is one frame", () => {
    assert.deepEqual(parse(": keepalive\n: another\nevent: wake\ndata: {}\n\n"), [
      comment,
      comment,
      ev("wake", "{}"),
    ]);
  });

  test("a bare colon is a comment", () => {
    assert.deepEqual(parse(":\n"), [comment]);
  });

  test("a comment inside a block is emitted at once and leaves the block intact", () => {
    const p = new SseParser();
    assert.deepEqual(p.push(bytes("event: e\ndata: a\n: mid\n")), [comment]);
    assert.deepEqual(p.push(bytes("data: b\n\n")), [ev("e", "a\nb")]);
  });

  test("a comment-only stream yields comment frames only", () => {
    assert.deepEqual(parse(": keepalive\n"), [comment]);
  });
});

describe("SseParser: line endings", () => {
  for (const [name, eol] of [
    ["LF", "\n"],
    ["CRLF", "\r\n"],
    ["CR", "\r"],
  ] as const) {
    test(`${name} terminates lines`, () => {
      assert.deepEqual(parse(`event: hello${eol}data: {}${eol}${eol}`), [ev("hello", "{}")]);
    });
  }

  test("mixed terminators in one stream", () => {
    assert.deepEqual(parse("event: a\rdata: 1\r\n\ndata: 2\n\r"), [ev("a", "1"), ev("", "2")]);
  });

  test("a CR at the end of a chunk waits: followed by LF it is one CRLF", () => {
    const p = new SseParser();
    assert.deepEqual(p.push(bytes("data: x\r")), []);
    // If the CR had been taken alone, this LF would be a blank line and dispatch now.
    assert.deepEqual(p.push(bytes("\ndata: y\r")), []);
    assert.deepEqual(p.push(bytes("\n\r\n")), [ev("", "x\ny")]);
  });

  test("a CR at the end of a chunk followed by another byte is a lone CR", () => {
    const p = new SseParser();
    assert.deepEqual(p.push(bytes("data: x\r")), []);
    assert.deepEqual(p.push(bytes("\r")), []); // second CR may still be CRLF
    assert.deepEqual(p.push(bytes("d")), [ev("", "x")]);
  });

  test("CR CR is a line end and a blank line", () => {
    assert.deepEqual(parse("data: x\r\rdata: y\r\r"), [ev("", "x"), ev("", "y")]);
  });
});

describe("SseParser: end of stream", () => {
  test("a block with data is dispatched without its blank line", () => {
    assert.deepEqual(parse("event: wake\ndata: {}\n"), [ev("wake", "{}")]);
  });

  test("an unterminated last line is discarded", () => {
    assert.deepEqual(parse("event: wake\ndata: {}"), []);
    assert.deepEqual(parse("data: kept\ndata: partial"), [ev("", "kept")]);
    assert.deepEqual(parse(": partial comment"), []);
  });

  test("a trailing lone CR does not complete the last line", () => {
    assert.deepEqual(parse("data: x\r"), []);
  });

  test("a block without data is not dispatched at the end", () => {
    assert.deepEqual(parse("event: wake\n"), []);
  });

  test("end() on a fresh parser gives nothing", () => {
    assert.deepEqual(new SseParser().end(), []);
  });
});

describe("SseParser: decoding", () => {
  test("a line that is not UTF-8 is dropped and the rest is kept", () => {
    const input = new Uint8Array([
      ...bytes("event: e\n"),
      ...bytes("data: a"),
      0xff,
      0xfe,
      ...bytes("\n"),
      ...bytes("data: b\n\n"),
    ]);
    assert.deepEqual(parse(input), [ev("e", "b")]);
  });

  test("an invalid UTF-8 comment line is dropped too", () => {
    assert.deepEqual(parse(new Uint8Array([0x3a, 0xc3, 0x0a])), []);
  });

  test("an overlong encoding is invalid", () => {
    assert.deepEqual(parse(new Uint8Array([...bytes("data: "), 0xc0, 0xaf, 0x0a, 0x0a])), []);
  });

  test("multi-byte characters split across chunks are decoded whole", () => {
    const all = bytes("data: grüße 🚀\n\n");
    for (let cut = 1; cut < all.length; cut++) {
      assert.deepEqual(parseChunks([all.subarray(0, cut), all.subarray(cut)]), [
        ev("", "grüße 🚀"),
      ]);
    }
  });

  test("a byte order mark is not stripped: it becomes part of the first field name", () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
    assert.deepEqual(parse(new Uint8Array([...bom, ...bytes("data: x\n\n")])), []);
    assert.deepEqual(parse(new Uint8Array([...bom, ...bytes("event: e\ndata: x\n\n")])), [
      ev("", "x"),
    ]);
    // It is kept inside values as well.
    assert.deepEqual(parse(new Uint8Array([...bytes("data: "), ...bom, ...bytes("x\n\n")])), [
      ev("", "\ufeffx"),
    ]);
  });

  test("a BOM before a colon makes the line a field, not a comment", () => {
    assert.deepEqual(parse(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(": hi\n")])), []);
  });
});

describe("SseParser: chunking", () => {
  const stream =
    ': hi\r\nevent: hello\ndata: {"watchLeaseId":"rwl_1"}\r\n\r\n: ka\rid: 3\n' +
    "event: wake\ndata: a\rdata: b\r\n\r\ndata: tail\n";
  const expected = [
    comment,
    ev("hello", '{"watchLeaseId":"rwl_1"}'),
    comment,
    ev("wake", "a\nb"),
    ev("", "tail"),
  ];

  test("feeding byte by byte gives the same frames", () => {
    const all = bytes(stream);
    assert.deepEqual(parseChunks([...all].map((b) => new Uint8Array([b]))), expected);
  });

  test("every two-way split gives the same frames", () => {
    const all = bytes(stream);
    for (let cut = 0; cut <= all.length; cut++) {
      assert.deepEqual(
        parseChunks([all.subarray(0, cut), all.subarray(cut)]),
        expected,
        `cut ${cut}`,
      );
    }
  });

  test("pseudo-random splits give the same frames", () => {
    const all = bytes(stream);
    let seed = 42;
    for (let round = 0; round < 200; round++) {
      const chunks: Uint8Array[] = [];
      let i = 0;
      while (i < all.length) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const n = 1 + (seed % 9);
        chunks.push(all.subarray(i, i + n));
        i += n;
      }
      assert.deepEqual(parseChunks(chunks), expected);
    }
  });

  test("a chunk spanning the middle of a field name", () => {
    const p = new SseParser();
    assert.deepEqual(p.push(bytes("event: hel")), []);
    assert.deepEqual(p.push(bytes('lo\ndata: {"a')), []);
    assert.deepEqual(p.push(bytes('":1}\n\n')), [ev("hello", '{"a":1}')]);
  });

  test("a long line trickled in small chunks is reassembled whole", () => {
    const value = "v".repeat(256 * 1024);
    const all = bytes(`data: ${value}\r\n\r\n`);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < all.length; i += 64) chunks.push(all.subarray(i, i + 64));
    assert.deepEqual(parseChunks(chunks), [ev("", value)]);
  });

  test("empty chunks change nothing", () => {
    const p = new SseParser();
    assert.deepEqual(p.push(new Uint8Array(0)), []);
    assert.deepEqual(p.push(bytes("data: x\n")), []);
    assert.deepEqual(p.push(new Uint8Array(0)), []);
    assert.deepEqual(p.push(bytes("\n")), [ev("", "x")]);
  });

  test("the parser does not keep a reference to the caller's chunk", () => {
    const p = new SseParser();
    const chunk = bytes("data: abc");
    p.push(chunk);
    chunk.fill(0x21);
    assert.deepEqual(p.push(bytes("\n\n")), [ev("", "abc")]);
  });
});

describe("SseParser: limits", () => {
  test("a line over the limit throws ERR_PROTOCOL, even before its terminator", () => {
    const p = new SseParser({ maxLineBytes: 16 });
    assert.throws(
      () => p.push(bytes("data: 0123456789abcdef")),
      (e) => isFoxgloveError(e, "ERR_PROTOCOL"),
    );
    const q = new SseParser({ maxLineBytes: 16 });
    assert.throws(
      () => q.push(bytes("data: 0123456789abcdef\n")),
      (e) => isFoxgloveError(e, "ERR_PROTOCOL"),
    );
  });

  test("a line exactly at the limit is accepted", () => {
    const p = new SseParser({ maxLineBytes: 8 });
    assert.deepEqual(p.push(bytes("data: ab\r")), []);
    assert.deepEqual(p.push(bytes("\n\n")), [ev("", "ab")]);
  });

  test("an event whose data lines add up over the limit throws ERR_PROTOCOL", () => {
    const p = new SseParser({ maxEventDataBytes: 20 });
    assert.deepEqual(p.push(bytes("data: 12345678\n")), []);
    assert.throws(
      () => p.push(bytes("data: 12345678\n")),
      (e) => isFoxgloveError(e, "ERR_PROTOCOL"),
    );
  });

  test("the data budget is per event", () => {
    const p = new SseParser({ maxEventDataBytes: 20 });
    for (let i = 0; i < 10; i++) {
      assert.deepEqual(p.push(bytes("data: 12345678\n\n")), [ev("", "12345678")]);
    }
  });

  test("the default limits accept a large wake token", () => {
    const token = "x".repeat(200_000);
    assert.deepEqual(parse(`event: wake\ndata: {"token":"${token}"}\n\n`), [
      ev("wake", `{"token":"${token}"}`),
    ]);
  });
});
