import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { Channel } from "./Channel.js";
import { Context } from "./Context.js";
import { FoxgloveError } from "./FoxgloveError.js";
import type { Encoder } from "./Encoder.js";
import { jsonEncoder } from "./jsonEncoder.js";
import { log } from "./logMessage.js";
import { setLogger, setLogLevel } from "./logger.js";
import type { Metadata } from "./Sink.js";
import { CapturingLogger, RecordingSink } from "./testing/RecordingSink.js";

let logger: CapturingLogger;
beforeEach(() => {
  logger = new CapturingLogger();
  setLogger(logger);
});
afterEach(() => {
  setLogger(console);
  setLogLevel("warn");
});

/** An encoder that counts its calls and can be told to fail. */
function countingEncoder(): Encoder<{ n: number }> & { calls: number; fail: boolean } {
  return {
    messageEncoding: "test",
    schema: { name: "Counted", encoding: "none", data: new Uint8Array([1, 2]) },
    calls: 0,
    fail: false,
    encode(message) {
      this.calls++;
      if (this.fail) {
        throw new Error("cannot encode this");
      }
      return new Uint8Array([message.n]);
    },
  };
}

test("Channel<T> takes encoding and schema from its encoder and encodes only when subscribed", () => {
  const ctx = new Context();
  const encoder = countingEncoder();
  const ch = new Channel("/typed", { context: ctx, encoder, metadata: { a: "b" } });
  assert.equal(ch.messageEncoding, "test");
  assert.equal(ch.schema?.name, "Counted");
  assert.deepEqual(ch.metadata, { a: "b" });
  assert.equal(ch.topic, "/typed");
  assert.equal(ch.raw.id, ch.id);

  ch.log({ n: 1 });
  assert.equal(encoder.calls, 0);

  const sink = new RecordingSink();
  ctx.addSink(sink);
  assert.equal(ch.hasSinks(), true);
  ch.log({ n: 7 }, { logTime: 9n });
  assert.equal(encoder.calls, 1);
  assert.deepEqual([...sink.messages[0]!.data], [7]);
  assert.equal(sink.messages[0]!.metadata.logTime, 9n);
  assert.equal(sink.messages[0]!.channel, ch.raw);
});

test("Channel<T> drops a message that fails to encode, with a throttled ERR_ENCODE warning", () => {
  const ctx = new Context();
  const sink = new RecordingSink();
  ctx.addSink(sink);
  const encoder = countingEncoder();
  const ch = new Channel("/fails", { context: ctx, encoder });
  encoder.fail = true;
  ch.log({ n: 1 });
  ch.log({ n: 2 });
  encoder.fail = false;
  ch.log({ n: 3 });
  assert.deepEqual(
    sink.messages.map((m) => m.data[0]),
    [3],
  );
  const warnings = logger.matching("warn", "cannot encode a message for /fails");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /ERR_ENCODE.*cannot encode this/);
});

test("closing a Channel<T> closes the raw channel; logging then warns once and does not encode", () => {
  const ctx = new Context();
  const sink = new RecordingSink();
  ctx.addSink(sink);
  const encoder = countingEncoder();
  {
    using ch = new Channel("/scoped", { context: ctx, encoder });
    ch.log({ n: 1 });
  }
  assert.equal(sink.removed.length, 1);
  const ch = new Channel("/closing", { context: ctx, encoder });
  ch.close();
  assert.equal(ch.closed, true);
  ch.log({ n: 4 });
  ch.log({ n: 5 });
  assert.equal(encoder.calls, 1);
  assert.equal(logger.matching("warn", "closed channel /closing").length, 1);
});

test("two equal typed channels share one raw channel", () => {
  const ctx = new Context();
  const enc = jsonEncoder<{ a: number }>({ type: "object", title: "A" });
  const a = new Channel("/same", { context: ctx, encoder: enc });
  const b = new Channel("/same", {
    context: ctx,
    encoder: jsonEncoder({ type: "object", title: "A" }),
  });
  assert.equal(a.raw, b.raw);
  const c = new Channel("/same", {
    context: ctx,
    encoder: jsonEncoder({ type: "object", title: "B" }),
  });
  assert.notEqual(c.raw, a.raw);
});

test("a channel without an encoder (a JavaScript caller) is refused with ERR_VALUE", () => {
  const ctx = new Context();
  assert.throws(
    () =>
      new Channel("/no-encoder", { context: ctx } as unknown as ConstructorParameters<
        typeof Channel
      >[1]),
    (e) =>
      e instanceof FoxgloveError && e.code === "ERR_VALUE" && /encoder is required/.test(e.message),
  );
  assert.equal(ctx.getChannelByTopic("/no-encoder"), undefined);
});

/** A sink that takes typed messages while `take` says so (and records them), bytes otherwise. */
class TypedSink extends RecordingSink {
  readonly typed: { message: unknown; encoder: Encoder<unknown>; logTime: bigint }[] = [];
  constructor(public take: (message: unknown) => boolean) {
    super();
  }
  logMessage(_: unknown, message: unknown, encoder: Encoder<unknown>, metadata: Metadata): boolean {
    if (!this.take(message)) return false;
    this.typed.push({ message, encoder, logTime: metadata.logTime });
    return true;
  }
}

test("a sink that takes a typed message gets it unencoded, and nothing is encoded for it alone", () => {
  const ctx = new Context();
  const encoder = countingEncoder();
  const ch = new Channel("/typed", { context: ctx, encoder });
  const typed = new TypedSink((m) => (m as { n: number }).n % 2 === 0);
  ctx.addSink(typed);
  const message = { n: 4 };
  ch.log(message, { logTime: 5n });
  assert.equal(encoder.calls, 0);
  assert.equal(typed.typed.length, 1);
  assert.equal(typed.typed[0]!.message, message); // the caller's object, as is
  assert.equal(typed.typed[0]!.encoder, encoder);
  assert.equal(typed.typed[0]!.logTime, 5n);
  assert.equal(typed.messages.length, 0);
  // Declined: the same sink gets the bytes through log().
  ch.log({ n: 3 }, { logTime: 6n });
  assert.equal(encoder.calls, 1);
  assert.deepEqual([...typed.messages[0]!.data], [3]);
  assert.equal(typed.messages[0]!.metadata.logTime, 6n);
  assert.equal(typed.typed.length, 1);
});

test("a typed message is encoded once for the sinks that need bytes, whoever took it", () => {
  const ctx = new Context();
  const encoder = countingEncoder();
  const ch = new Channel("/typed", { context: ctx, encoder });
  const typed = new TypedSink(() => true);
  const first = new RecordingSink();
  const second = new RecordingSink();
  ctx.addSink(first);
  ctx.addSink(typed);
  ctx.addSink(second);
  ch.log({ n: 8 }, { logTime: 1n });
  assert.equal(encoder.calls, 1);
  assert.deepEqual([...first.messages[0]!.data], [8]);
  assert.deepEqual([...second.messages[0]!.data], [8]);
  assert.equal(typed.messages.length, 0);
  assert.equal(typed.typed.length, 1);
  // log() with sinkId reaches only that sink, typed or not.
  ch.log({ n: 9 }, { sinkId: typed.id });
  assert.equal(encoder.calls, 1);
  assert.equal(typed.typed.length, 2);
  assert.equal(first.messages.length, 1);
  ch.log({ n: 10 }, { sinkId: second.id });
  assert.equal(encoder.calls, 2);
  assert.equal(typed.typed.length, 2);
  assert.equal(second.messages.length, 2);
});

test("a sink whose logMessage throws is reported and skipped; an encoder failure still warns", () => {
  const ctx = new Context();
  const encoder = countingEncoder();
  const ch = new Channel("/typed", { context: ctx, encoder });
  const typed = new TypedSink(() => {
    throw new Error("sink broke");
  });
  const other = new RecordingSink();
  ctx.addSink(typed);
  ctx.addSink(other);
  ch.log({ n: 1 });
  assert.equal(typed.messages.length, 0); // not retried as bytes
  assert.equal(other.messages.length, 1);
  assert.equal(logger.matching("warn", "failed to log on /typed").length, 1);
  encoder.fail = true;
  ch.log({ n: 2 });
  assert.equal(other.messages.length, 1);
  assert.equal(logger.matching("warn", "cannot encode a message for /typed").length, 1);
});

test("log(topic, message, { encoder }) offers the typed message too", () => {
  const ctx = new Context();
  const encoder = countingEncoder();
  const typed = new TypedSink(() => true);
  ctx.addSink(typed);
  log("/free", { n: 2 }, { context: ctx, encoder });
  assert.equal(encoder.calls, 0);
  assert.deepEqual(typed.typed[0]!.message, { n: 2 });
});
