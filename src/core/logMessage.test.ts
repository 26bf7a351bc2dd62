import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { Context } from "./Context.js";
import type { Encoder } from "./Encoder.js";
import { isFoxgloveError } from "./FoxgloveError.js";
import { jsonEncoder } from "./jsonEncoder.js";
import { setLogger, setLogLevel } from "./logger.js";
import { log } from "./logMessage.js";
import { RawChannel } from "./RawChannel.js";
import { CapturingLogger, RecordingSink } from "./testing/RecordingSink.js";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

let logger: CapturingLogger;
beforeEach(() => {
  logger = new CapturingLogger();
  setLogger(logger);
});
afterEach(() => {
  setLogger(console);
  setLogLevel("warn");
});

test("log() creates a JSON channel on first use and encodes objects as JSON", () => {
  const ctx = new Context();
  const sink = new RecordingSink();
  ctx.addSink(sink);
  log("/obj", { a: 1 }, { context: ctx, logTime: 3n });
  log("/obj", [1, 2], { context: ctx });
  const ch = ctx.getChannelByTopic("/obj")!;
  assert.equal(ch.messageEncoding, "json");
  assert.equal(ch.schema, undefined);
  assert.deepEqual(
    sink.messages.map((m) => text(m.data)),
    ['{"a":1}', "[1,2]"],
  );
  assert.equal(sink.messages[0]!.metadata.logTime, 3n);
});

test("log() sends bytes and strings as they are", () => {
  const ctx = new Context();
  const sink = new RecordingSink();
  ctx.addSink(sink);
  log("/raw", new Uint8Array([123, 125]), { context: ctx });
  log("/raw", '{"s":1}', { context: ctx });
  assert.deepEqual(
    sink.messages.map((m) => text(m.data)),
    ["{}", '{"s":1}'],
  );
  // bytes go to an existing channel of any encoding
  const proto = new RawChannel("/proto", { context: ctx, messageEncoding: "protobuf" });
  log("/proto", new Uint8Array([8, 1]), { context: ctx });
  assert.equal(sink.messages.at(-1)!.channel, proto);
});

test("log() with an encoder uses its encoding and schema, and rejects a mismatch", () => {
  const ctx = new Context();
  const sink = new RecordingSink();
  ctx.addSink(sink);
  const enc = jsonEncoder<{ x: number }>({ type: "object", title: "P" });
  log("/typed", { x: 1 }, { context: ctx, encoder: enc });
  log("/typed", { x: 2 }, { context: ctx, encoder: enc });
  // an equal encoder is accepted too
  log("/typed", { x: 3 }, { context: ctx, encoder: jsonEncoder({ type: "object", title: "P" }) });
  assert.equal(ctx.getChannelByTopic("/typed")!.schema?.name, "P");
  assert.equal(sink.messages.length, 3);

  const other = jsonEncoder({ type: "object", title: "Q" });
  assert.throws(
    () => log("/typed", { x: 1 }, { context: ctx, encoder: other }),
    (e) => isFoxgloveError(e, "ERR_CHANNEL_MISMATCH"),
  );
  new RawChannel("/bin", { context: ctx, messageEncoding: "cdr" });
  assert.throws(
    () => log("/bin", { x: 1 }, { context: ctx }),
    (e) => isFoxgloveError(e, "ERR_CHANNEL_MISMATCH"),
  );
  assert.throws(
    () => log("/n", 5 as unknown as object, { context: ctx }),
    (e) => isFoxgloveError(e, "ERR_VALUE"),
  );
});

test("log() does not encode when nothing is subscribed, and never throws on encode errors", () => {
  const ctx = new Context();
  let calls = 0;
  const enc: Encoder<unknown> = {
    messageEncoding: "x",
    schema: undefined,
    encode: () => {
      calls++;
      throw new Error("nope");
    },
  };
  log("/lazy", {}, { context: ctx, encoder: enc });
  assert.equal(calls, 0);
  ctx.addSink(new RecordingSink());
  log("/lazy", {}, { context: ctx, encoder: enc });
  log("/lazy", {}, { context: ctx, encoder: enc });
  assert.equal(calls, 2);
  assert.equal(logger.matching("warn", "ERR_ENCODE").length, 1);
  const cyclic: Record<string, unknown> = {};
  cyclic.me = cyclic;
  log("/cyclic", cyclic, { context: ctx });
  assert.equal(logger.matching("warn", "/cyclic").length, 1);
});

test("log() defaults to the default context", () => {
  const sink = new RecordingSink();
  Context.default().addSink(sink);
  try {
    log("/default-log", { ok: true });
    assert.equal(sink.messages.length, 1);
    assert.equal(sink.messages[0]!.channel.context, Context.default());
  } finally {
    Context.default().removeSink(sink.id);
    Context.default().getChannelByTopic("/default-log")?.close();
  }
});
