import { Channel } from "../../core/Channel.js";
import type { ChannelDescriptor } from "../../core/ChannelDescriptor.js";
import type { Context } from "../../core/Context.js";
import { jsonEncoder } from "../../core/jsonEncoder.js";
import { nowNanos } from "../../core/time.js";
import type { QosProfile } from "../../remote/planChannels.js";
import { FrameTransform, LocationFix } from "../../messages/index.js";

/** A demo channel: its topic, rate (Hz) and how viewers get it. */
export interface DemoTopic {
  readonly topic: string;
  readonly hz: number;
  readonly reliability: "lossy" | "reliable";
  readonly description: string;
}

/** The channels the demo robot logs. */
export const DEMO_TOPICS: readonly DemoTopic[] = [
  { topic: "/imu", hz: 100, reliability: "lossy", description: "IMU, JSON" },
  { topic: "/battery", hz: 1, reliability: "reliable", description: "battery state, JSON" },
  { topic: "/diagnostics", hz: 2, reliability: "reliable", description: "diagnostics, JSON" },
  { topic: "/gps", hz: 5, reliability: "lossy", description: "foxglove.LocationFix, protobuf" },
  { topic: "/tf", hz: 20, reliability: "lossy", description: "foxglove.FrameTransform, protobuf" },
];

/** The demo's QoS classifier: Reliable for the topics marked so, Lossy otherwise. */
export function demoQos(channel: ChannelDescriptor): QosProfile {
  const t = DEMO_TOPICS.find((d) => d.topic === channel.topic);
  return { reliability: t?.reliability ?? "lossy" };
}

const vector3 = {
  type: "object",
  properties: { x: { type: "number" }, y: { type: "number" }, z: { type: "number" } },
};

/** Seconds and nanoseconds of a bigint ns time. */
function stamp(ns: bigint): { sec: number; nsec: number } {
  return { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) };
}

/**
 * A pretend robot driving in circles: logs IMU readings at 100 Hz, its battery draining, periodic
 * diagnostics, a GPS fix and the transform of its base, on channels of `context`.
 */
export class DemoRobot implements Disposable {
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #channels: { close(): void }[] = [];
  readonly #start = Date.now();
  readonly #context: Context;

  constructor(context: Context) {
    this.#context = context;
  }

  /** Starts logging (idempotent until stopped). */
  start(): void {
    if (this.#timers.length > 0) return;
    const context = this.#context;
    const t = () => (Date.now() - this.#start) / 1000;
    const imu = new Channel<object>("/imu", {
      context,
      encoder: jsonEncoder({
        title: "demo.Imu",
        type: "object",
        properties: { angular_velocity: vector3, linear_acceleration: vector3 },
      }),
    });
    const battery = new Channel<object>("/battery", {
      context,
      encoder: jsonEncoder({
        title: "demo.Battery",
        type: "object",
        properties: { voltage: { type: "number" }, percentage: { type: "number" } },
      }),
    });
    const diagnostics = new Channel<object>("/diagnostics", { context, encoder: jsonEncoder() });
    const gps = new Channel<LocationFix>("/gps", { context, encoder: LocationFix });
    const tf = new Channel<FrameTransform>("/tf", { context, encoder: FrameTransform });
    this.#channels.push(imu, battery, diagnostics, gps, tf);
    const noise = () => (Math.random() - 0.5) * 0.02;
    this.#every("/imu", () => {
      const w = 0.5;
      imu.log({
        angular_velocity: { x: noise(), y: noise(), z: w + noise() },
        linear_acceleration: {
          x: -w * w * Math.cos(w * t()) + noise(),
          y: noise(),
          z: 9.81 + noise(),
        },
      });
    });
    this.#every("/battery", () => {
      const percentage = Math.max(0, 100 - t() / 36);
      battery.log({ voltage: 22 + (percentage / 100) * 3.2, percentage });
    });
    let tick = 0;
    this.#every("/diagnostics", () => {
      tick += 1;
      diagnostics.log({
        status: [
          { name: "motors", level: "OK", message: "nominal" },
          { name: "lidar", level: tick % 20 === 0 ? "WARN" : "OK", message: "spinning" },
        ],
      });
    });
    this.#every("/gps", () => {
      const a = t() / 60;
      gps.log({
        timestamp: stamp(nowNanos()),
        frame_id: "gps",
        latitude: 48.137 + 0.0005 * Math.sin(a),
        longitude: 11.575 + 0.0005 * Math.cos(a),
        altitude: 520,
        position_covariance: [1, 0, 0, 0, 1, 0, 0, 0, 4],
        position_covariance_type: 2,
      });
    });
    this.#every("/tf", () => {
      const a = t() / 4;
      tf.log({
        timestamp: stamp(nowNanos()),
        parent_frame_id: "odom",
        child_frame_id: "base_link",
        translation: { x: 5 * Math.cos(a), y: 5 * Math.sin(a), z: 0 },
        rotation: {
          x: 0,
          y: 0,
          z: Math.sin((a + Math.PI / 2) / 2),
          w: Math.cos((a + Math.PI / 2) / 2),
        },
      });
    });
  }

  /** Stops logging and closes the channels. */
  stop(): void {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    for (const channel of this.#channels.splice(0)) channel.close();
  }

  [Symbol.dispose](): void {
    this.stop();
  }

  #every(topic: string, fn: () => void): void {
    const hz = DEMO_TOPICS.find((d) => d.topic === topic)?.hz ?? 1;
    this.#timers.push(setInterval(fn, 1000 / hz));
  }
}
