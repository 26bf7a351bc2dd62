import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { Context } from "./Context.js";
import { isFoxgloveError } from "./FoxgloveError.js";
import { nextSinkId } from "./ids.js";
import { setLogger, setLogLevel } from "./logger.js";
import { RawChannel } from "./RawChannel.js";
import type { Sink } from "./Sink.js";
import { CapturingLogger, RecordingSink } from "./testing/RecordingSink.js";

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

function channel(ctx: Context, topic: string, metadata: Record<string, string> = {}): RawChannel {
  return new RawChannel(topic, { context: ctx, messageEncoding: "json", metadata });
}

let logger: CapturingLogger;
beforeEach(() => {
  logger = new CapturingLogger();
  setLogger(logger);
  setLogLevel("debug");
});
afterEach(() => {
  setLogger(console);
  setLogLevel("warn");
});

describe("Context sinks", () => {
  test("addSink/removeSink report whether anything changed", () => {
    const ctx = new Context();
    const a = new RecordingSink();
    const b = new RecordingSink();
    assert.equal(ctx.addSink(a), true);
    assert.equal(ctx.addSink(a), false);
    assert.equal(ctx.addSink(b), true);
    assert.equal(ctx.removeSink(a.id), true);
    assert.equal(ctx.removeSink(a.id), false);
    assert.equal(ctx.removeSink(nextSinkId()), false);
  });

  test("addSink rejects something that is not a sink", () => {
    const ctx = new Context();
    assert.throws(
      () => ctx.addSink({ id: 1 } as unknown as Sink),
      (e) => isFoxgloveError(e, "ERR_VALUE"),
    );
    assert.throws(
      () => ctx.addSink({ id: "x", log() {} } as unknown as Sink),
      (e) => isFoxgloveError(e, "ERR_VALUE"),
    );
  });

  test("channel and sink ids are process-wide, increasing, from 1", () => {
    const c1 = channel(new Context(), "/a");
    const c2 = channel(new Context(), "/a");
    assert.ok(c1.id >= 1 && c2.id > c1.id);
    const s1 = nextSinkId();
    assert.ok(s1 >= 1 && nextSinkId() === s1 + 1);
  });

  test("an auto-subscribing sink gets existing and new channels and every message", () => {
    const ctx = new Context();
    const c1 = channel(ctx, "/one");
    const sink = new RecordingSink();
    assert.equal(c1.hasSinks(), false);
    ctx.addSink(sink);
    assert.deepEqual(sink.added, [c1]);
    assert.equal(c1.hasSinks(), true);
    const c2 = channel(ctx, "/two");
    assert.deepEqual(sink.added, [c1, c2]);
    assert.equal(c2.hasSinks(), true);

    c1.log(bytes("a"), { logTime: 5n });
    c2.log(bytes("b"));
    assert.deepEqual(
      sink.messages.map((m) => [m.channel.topic, text(m.data)]),
      [
        ["/one", "a"],
        ["/two", "b"],
      ],
    );
    assert.equal(sink.messages[0]!.metadata.logTime, 5n);

    ctx.removeSink(sink.id);
    assert.equal(c1.hasSinks(), false);
    assert.equal(c2.hasSinks(), false);
    c1.log(bytes("c"));
    assert.equal(sink.messages.length, 2);
  });

  test("log time defaults to now in nanoseconds and accepts Time and Date", () => {
    const ctx = new Context();
    const sink = new RecordingSink();
    ctx.addSink(sink);
    const c = channel(ctx, "/t");
    const before = BigInt(Date.now()) * 1_000_000n;
    c.log(bytes("x"));
    c.log(bytes("x"), { logTime: { sec: 2, nsec: 3 } });
    c.log(bytes("x"), { logTime: new Date(1000) });
    const [t0, t1, t2] = sink.messages.map((m) => m.metadata.logTime);
    assert.ok(t0! >= before - 1_000_000n && t0! < before + 60_000_000_000n);
    assert.equal(t1, 2_000_000_003n);
    assert.equal(t2, 1_000_000_000n);
  });

  test("sinkId limits delivery to one sink", () => {
    const ctx = new Context();
    const a = new RecordingSink();
    const b = new RecordingSink();
    ctx.addSink(a);
    ctx.addSink(b);
    const c = channel(ctx, "/t");
    c.log(bytes("x"), { sinkId: b.id });
    assert.equal(a.messages.length, 0);
    assert.equal(b.messages.length, 1);
  });
});

describe("managed subscriptions", () => {
  test("addChannels return values subscribe; subscribe/unsubscribe toggle delivery", () => {
    const ctx = new Context();
    const c1 = channel(ctx, "/1");
    const c2 = channel(ctx, "/2");
    const sink = new RecordingSink({
      autoSubscribe: false,
      subscribe: (chs) => chs.filter((c) => c.topic === "/2").map((c) => c.id),
    });
    ctx.addSink(sink);
    assert.deepEqual(sink.added, [c1, c2]);
    assert.equal(c1.hasSinks(), false);
    assert.equal(c2.hasSinks(), true);

    ctx.subscribeChannels(sink.id, [c1.id]);
    assert.equal(c1.hasSinks(), true);
    c1.log(bytes("1"));
    ctx.unsubscribeChannels(sink.id, [c1.id, c2.id]);
    assert.equal(c1.hasSinks(), false);
    assert.equal(c2.hasSinks(), false);
    c1.log(bytes("dropped"));
    assert.deepEqual(
      sink.messages.map((m) => text(m.data)),
      ["1"],
    );

    // a new channel can be subscribed through the addChannels return value
    const c3 = channel(ctx, "/2", { v: "2" });
    assert.equal(c3.hasSinks(), true);
    // unknown ids and unknown sinks are ignored
    ctx.subscribeChannels(sink.id, [999_999]);
    ctx.subscribeChannels(nextSinkId(), [c1.id]);
    assert.equal(c1.hasSinks(), false);

    ctx.subscribeChannels(sink.id, [c1.id, c2.id]);
    ctx.removeSink(sink.id);
    assert.equal(c1.hasSinks() || c2.hasSinks() || c3.hasSinks(), false);
  });

  test("per-channel subscribe/unsubscribe is a no-op for auto-subscribing sinks", () => {
    const ctx = new Context();
    const c = channel(ctx, "/1");
    const sink = new RecordingSink();
    ctx.addSink(sink);
    ctx.unsubscribeChannels(sink.id, [c.id]);
    assert.equal(c.hasSinks(), true);
    ctx.subscribeChannels(sink.id, [c.id]);
    ctx.removeSink(sink.id);
    assert.equal(c.hasSinks(), false);
  });

  test("listeners see the first subscriber and the loss of the last one", () => {
    const ctx = new Context();
    const events: string[] = [];
    const c = new RawChannel("/l", {
      context: ctx,
      messageEncoding: "json",
      listener: {
        onFirstSubscriber: (ch) => events.push(`first:${ch.topic}:${ch.hasSinks()}`),
        onNoSubscribers: (ch) => events.push(`none:${ch.topic}:${ch.hasSinks()}`),
      },
    });
    const a = new RecordingSink({ autoSubscribe: false });
    const b = new RecordingSink({ autoSubscribe: false });
    ctx.addSink(a);
    ctx.addSink(b);
    assert.deepEqual(events, []);
    ctx.subscribeChannels(a.id, [c.id]);
    ctx.subscribeChannels(b.id, [c.id]);
    assert.deepEqual(events, ["first:/l:true"]);
    ctx.unsubscribeChannels(a.id, [c.id]);
    assert.deepEqual(events, ["first:/l:true"]);
    ctx.unsubscribeChannels(b.id, [c.id]);
    assert.deepEqual(events, ["first:/l:true", "none:/l:false"]);

    // an auto-subscribing sink added later, then removal of the sink
    const auto = new RecordingSink();
    ctx.addSink(auto);
    ctx.removeSink(auto.id);
    // closing a subscribed channel also ends its subscriptions
    ctx.subscribeChannels(a.id, [c.id]);
    c.close();
    assert.deepEqual(events, [
      "first:/l:true",
      "none:/l:false",
      "first:/l:true",
      "none:/l:false",
      "first:/l:true",
      "none:/l:false",
    ]);
  });

  test("a listener that throws is logged and does not break the context", () => {
    const ctx = new Context();
    const c = new RawChannel("/boom", {
      context: ctx,
      messageEncoding: "json",
      listener: {
        onFirstSubscriber: () => {
          throw new Error("listener broke");
        },
      },
    });
    const sink = new RecordingSink();
    ctx.addSink(sink);
    assert.equal(c.hasSinks(), true);
    assert.equal(logger.matching("warn", "listener broke").length, 1);
    const removeListener = c.addListener({ onNoSubscribers: () => assert.fail("removed") });
    removeListener();
    ctx.removeSink(sink.id);
  });

  test("a channel created with an auto-subscribing sink present fires onFirstSubscriber", () => {
    const ctx = new Context();
    ctx.addSink(new RecordingSink());
    let first = 0;
    channel(ctx, "/pre").addListener({}); // no-op listener
    new RawChannel("/x", {
      context: ctx,
      messageEncoding: "json",
      listener: { onFirstSubscriber: () => first++ },
    });
    assert.equal(first, 1);
  });

  test("a sink may subscribe from inside addChannels", () => {
    const ctx = new Context();
    const sink: Sink & { got: number } = {
      id: nextSinkId(),
      autoSubscribe: false,
      got: 0,
      log() {
        this.got++;
      },
      addChannels(chs) {
        ctx.subscribeChannels(
          this.id,
          chs.map((c) => c.id),
        );
        return undefined;
      },
    };
    ctx.addSink(sink);
    const c = channel(ctx, "/re");
    assert.equal(c.hasSinks(), true);
    c.log(bytes("x"));
    assert.equal(sink.got, 1);
  });
});

describe("channel filters", () => {
  test("a filtered-out channel is never announced, subscribed or removed for that sink", () => {
    const ctx = new Context();
    const keep = channel(ctx, "/keep");
    const drop = channel(ctx, "/drop");
    const auto = new RecordingSink({ channelFilter: (c) => c.topic.startsWith("/keep") });
    const managed = new RecordingSink({
      autoSubscribe: false,
      channelFilter: (c) => c.topic !== "/drop",
      subscribe: (chs) => chs.map((c) => c.id),
    });
    const all = new RecordingSink();
    ctx.addSink(auto);
    ctx.addSink(managed);
    ctx.addSink(all);
    assert.deepEqual(auto.added, [keep]);
    assert.deepEqual(managed.added, [keep]);
    ctx.subscribeChannels(managed.id, [drop.id]);

    drop.log(bytes("d"));
    keep.log(bytes("k"));
    assert.deepEqual(
      auto.messages.map((m) => text(m.data)),
      ["k"],
    );
    assert.deepEqual(
      managed.messages.map((m) => text(m.data)),
      ["k"],
    );
    assert.deepEqual(
      all.messages.map((m) => text(m.data)),
      ["d", "k"],
    );

    drop.close();
    assert.deepEqual(auto.removed, []);
    assert.deepEqual(all.removed, [drop]);
  });

  test("a throwing filter excludes the channel and is logged", () => {
    const ctx = new Context();
    const c = channel(ctx, "/x");
    const sink = new RecordingSink({
      channelFilter: () => {
        throw new Error("filter broke");
      },
    });
    ctx.addSink(sink);
    assert.equal(c.hasSinks(), false);
    assert.equal(logger.matching("warn", "filter broke").length, 1);
  });
});

describe("closing", () => {
  test("closing a channel unsubscribes it and calls removeChannel on every sink", () => {
    const ctx = new Context();
    const c = channel(ctx, "/c");
    const other = channel(ctx, "/o");
    const auto = new RecordingSink();
    const managed = new RecordingSink({ autoSubscribe: false });
    ctx.addSink(auto);
    ctx.addSink(managed);
    ctx.subscribeChannels(managed.id, [c.id]);
    const seenBySink: boolean[] = [];
    ctx.addSink({
      id: nextSinkId(),
      log() {},
      removeChannel: (ch) => seenBySink.push(ch.hasSinks()),
    });
    c.close();
    assert.equal(c.closed, true);
    assert.equal(c.hasSinks(), false);
    assert.deepEqual(auto.removed, [c]);
    assert.deepEqual(managed.removed, [c]);
    assert.deepEqual(seenBySink, [false]); // subscriptions are gone before removeChannel
    assert.equal(ctx.getChannel(c.id), undefined);
    assert.equal(ctx.getChannelByTopic("/c"), undefined);
    assert.deepEqual(ctx.channels(), [other]);
    c.close(); // idempotent
    assert.equal(auto.removed.length, 1);
  });

  test("logging on a closed channel warns, throttled, and never throws", () => {
    const ctx = new Context();
    const sink = new RecordingSink();
    ctx.addSink(sink);
    const c = channel(ctx, "/closed");
    c.close();
    for (let i = 0; i < 5; i++) {
      c.log(bytes("x"));
    }
    assert.equal(sink.messages.length, 0);
    assert.equal(logger.matching("warn", "closed channel /closed").length, 1);
  });

  test("Context.close disconnects every channel and sink; the context stays usable", () => {
    const ctx = new Context();
    const c1 = channel(ctx, "/1");
    const c2 = channel(ctx, "/2");
    const sink = new RecordingSink();
    ctx.addSink(sink);
    ctx.close();
    assert.equal(c1.closed && c2.closed, true);
    assert.equal(c1.hasSinks() || c2.hasSinks(), false);
    assert.deepEqual(sink.removed, [c1, c2]);
    assert.deepEqual(ctx.channels(), []);
    assert.equal(ctx.removeSink(sink.id), false);
    c1.log(bytes("x"));
    assert.equal(sink.messages.length, 0);

    const c3 = channel(ctx, "/1");
    assert.notEqual(c3, c1);
    assert.equal(c3.closed, false);
    {
      using disposable = new Context();
      channel(disposable, "/d");
      assert.equal(disposable.channels().length, 1);
    }
  });
});

describe("duplicate topics", () => {
  test("an equal channel is shared; a different one on the same topic is added with a warning", () => {
    const ctx = new Context();
    const sink = new RecordingSink();
    ctx.addSink(sink);
    const a = channel(ctx, "/dup", { k: "v" });
    const same = channel(ctx, "/dup", { k: "v" });
    assert.equal(same, a);
    assert.equal(logger.matching("warn", "already exists").length, 0);

    const b = channel(ctx, "/dup", { k: "other" });
    assert.notEqual(b.id, a.id);
    assert.equal(logger.matching("warn", "already exists").length, 1);
    assert.equal(ctx.getChannelByTopic("/dup"), a);
    assert.deepEqual(sink.added, [a, b]);

    a.log(bytes("a"));
    b.log(bytes("b"));
    assert.deepEqual(
      sink.messages.map((m) => [m.channel.id, text(m.data)]),
      [
        [a.id, "a"],
        [b.id, "b"],
      ],
    );
    a.close();
    assert.equal(ctx.getChannelByTopic("/dup"), b);
    // equal channels in different contexts are distinct
    assert.notEqual(channel(new Context(), "/dup", { k: "other" }), b);
  });
});

describe("sink failures", () => {
  test("a throwing sink is reported (throttled) and the other sinks still get the message", () => {
    const ctx = new Context();
    const failing: Sink = {
      id: nextSinkId(),
      log() {
        throw new Error("sink exploded");
      },
    };
    const after = new RecordingSink();
    ctx.addSink(failing);
    ctx.addSink(after);
    const c = channel(ctx, "/f");
    for (let i = 0; i < 3; i++) {
      c.log(bytes(String(i)));
    }
    assert.equal(after.messages.length, 3);
    assert.equal(logger.matching("warn", `sink ${failing.id} failed`).length, 1);
  });

  test("failing addChannels/removeChannel callbacks are logged, not thrown", () => {
    const ctx = new Context();
    const sink: Sink = {
      id: nextSinkId(),
      log() {},
      addChannels() {
        throw new Error("add failed");
      },
      removeChannel() {
        throw new Error("remove failed");
      },
    };
    ctx.addSink(sink);
    const c = channel(ctx, "/x");
    assert.equal(c.hasSinks(), true);
    c.close();
    assert.equal(logger.matching("warn", "add failed").length, 1);
    assert.equal(logger.matching("warn", "remove failed").length, 1);
  });

  test("a rejected promise from an async sink is caught and logged", async () => {
    const ctx = new Context();
    // An async log() breaks the Sink contract (it must be synchronous); the context copes anyway.
    const asyncSink = {
      id: nextSinkId(),
      log: () => Promise.reject(new Error("async sink failed")),
    };
    ctx.addSink(asyncSink);
    channel(ctx, "/a").log(bytes("x"));
    await new Promise<void>((resolve) => setImmediate(resolve)); // let the rejection settle
    assert.equal(logger.matching("warn", "async sink failed").length, 1);
  });

  test("bad data is reported, not thrown", () => {
    const ctx = new Context();
    const sink = new RecordingSink();
    ctx.addSink(sink);
    const c = channel(ctx, "/bad");
    c.log("not bytes" as unknown as Uint8Array);
    c.log(bytes("x"), { logTime: { sec: Number.NaN, nsec: 0 } });
    assert.equal(sink.messages.length, 0);
    assert.equal(logger.matching("warn", "cannot log on /bad").length, 1);
  });
});

describe("Context.default", () => {
  test("is a single shared context used by channels without a context", () => {
    assert.equal(Context.default(), Context.default());
    const c = new RawChannel("/default-ctx", { messageEncoding: "json" });
    assert.equal(c.context, Context.default());
    assert.equal(Context.default().getChannelByTopic("/default-ctx"), c);
    c.close();
  });
});
