import { Channel } from "../../core/Channel.js";
import type { ChannelDescriptor } from "../../core/ChannelDescriptor.js";
import type { Context } from "../../core/Context.js";
import { jsonEncoder } from "../../core/jsonEncoder.js";
import { nowNanos } from "../../core/time.js";
import type { Parameter } from "../../protocol/index.js";
import type { ParameterHandler } from "../../remote/Parameters.js";
import type { QosProfile } from "../../remote/planChannels.js";
import type { ServiceDefinition } from "../../remote/Services.js";
import type { ViewerHubOptions } from "../../remote/ViewerHubOptions.js";
import { FrameTransform, LocationFix, PointCloud, RawImage } from "../../messages/index.js";
import { syntheticLidarCloud } from "../../media/pointcloud/index.js";
import { CAMERA_FPS, CAMERA_HEIGHT, CAMERA_WIDTH, drawCameraFrame } from "./syntheticCamera.js";

/** A demo channel: its topic, rate (Hz) and how viewers get it. */
export interface DemoTopic {
  readonly topic: string;
  readonly hz: number;
  readonly reliability: "lossy" | "reliable";
  readonly description: string;
  /** Viewers receive it as a video track (an image channel). */
  readonly video?: boolean;
}

/** The channels the demo robot logs. */
export const DEMO_TOPICS: readonly DemoTopic[] = [
  { topic: "/imu", hz: 100, reliability: "lossy", description: "IMU, JSON" },
  { topic: "/battery", hz: 1, reliability: "reliable", description: "battery state, JSON" },
  { topic: "/diagnostics", hz: 2, reliability: "reliable", description: "diagnostics, JSON" },
  { topic: "/gps", hz: 5, reliability: "lossy", description: "foxglove.LocationFix, protobuf" },
  { topic: "/tf", hz: 20, reliability: "lossy", description: "foxglove.FrameTransform, protobuf" },
  {
    topic: "/lidar",
    hz: 10,
    reliability: "lossy",
    description: "foxglove.PointCloud, protobuf, 30,000 points (Draco-compressed for viewers)",
  },
  {
    topic: "/camera",
    hz: CAMERA_FPS,
    reliability: "lossy",
    description: `foxglove.RawImage ${CAMERA_WIDTH}x${CAMERA_HEIGHT} rgb8, viewed as video`,
    video: true,
  },
];

/** Points per demo lidar cloud. */
export const DEMO_LIDAR_POINTS = 30_000;

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

/** The teleop channel a viewer advertises to drive the robot (JSON `{linear:{x}, angular:{z}}`). */
export const TELEOP_TOPIC = "/cmd_vel";

/** What the robot's parameters start as. */
const DEFAULT_PARAMETERS: readonly Parameter[] = [
  { name: "speed_scale", value: 1, type: "float64" },
  { name: "max_angular", value: 1, type: "float64" },
  { name: "label", value: "demo-robot" },
];

const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const emptySchema = { name: "demo.Empty", encoding: "jsonschema", data: jsonBytes({}) };

/**
 * A pretend robot driving in circles: logs IMU readings at 100 Hz, its battery draining, periodic
 * diagnostics, a GPS fix, the transform of its base, a 30,000-point lidar cloud at 10 Hz and a
 * 640x480 camera at 30 fps (the cloud and the camera image are built only while someone
 * subscribes), on channels of `context`.
 *
 * It can also be controlled ({@link gatewayOptions}): a parameter set (`speed_scale`,
 * `max_angular`, `label`), two services (`/stop`, `/reset_odometry`) and a teleop client channel
 * (`/cmd_vel`) whose commands change how it moves (so `/tf` and `/imu`) and appear in
 * `/diagnostics` and in `onLog`.
 */
export class DemoRobot implements Disposable {
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #channels: { close(): void }[] = [];
  readonly #start = Date.now();
  readonly #context: Context;
  readonly #parameters = new Map(DEFAULT_PARAMETERS.map((p) => [p.name, p]));
  readonly #onLog: (line: string) => void;
  /** Forward speed (m/s) and turn rate (rad/s) before `speed_scale`. */
  #linear = 1.25;
  #angular = 0.25;
  #pose = { x: 5, y: 0, yaw: Math.PI / 2 };
  #lastCommand = "none";
  #publishParameters: (parameters: Parameter[]) => void = () => undefined;

  /** `onLog` receives one line per control action (teleop command, service call, parameter set). */
  constructor(context: Context, options: { onLog?: (line: string) => void } = {}) {
    this.#context = context;
    this.#onLog = options.onLog ?? (() => undefined);
  }

  /** The current parameter values. */
  get parameters(): Parameter[] {
    return [...this.#parameters.values()];
  }

  /** Forward speed (m/s) and turn rate (rad/s) as currently driven (after `speed_scale`). */
  get velocity(): { linear: number; angular: number } {
    const scale = this.#number("speed_scale");
    return { linear: this.#linear * scale, angular: this.#angular * scale };
  }

  /**
   * The gateway options that make the robot controllable: capabilities, the services, the
   * parameter handler and the teleop listener. Call {@link publishParametersWith} once the gateway
   * exists so that viewers subscribed to parameters hear about changes.
   */
  gatewayOptions(): Required<
    Pick<
      ViewerHubOptions,
      | "capabilities"
      | "supportedEncodings"
      | "services"
      | "parameterHandler"
      | "listener"
      | "pointCloudCompression"
    >
  > {
    return {
      capabilities: ["clientPublish", "parameters"],
      // Sequential Draco keeps the lidar's scan order, which compresses the 30,000-point clouds
      // to about 60 KB, well within the default 100 KiB per data-track message (kd-tree at the
      // default 12 bits gives about 110 KB, which would be dropped).
      pointCloudCompression: { method: "sequential" },
      supportedEncodings: ["json"],
      services: this.#services(),
      parameterHandler: this.#parameterHandler(),
      listener: {
        onClientAdvertise: (client, channel) => {
          if (channel.topic === TELEOP_TOPIC) this.#onLog(`teleop: ${client.identity} connected`);
        },
        onMessageData: (client, channel, payload) => {
          if (channel.topic === TELEOP_TOPIC) this.#teleop(client.identity, payload);
        },
      },
    };
  }

  /** Where parameter changes are published (e.g. `gateway.publishParameterValues`). */
  publishParametersWith(publish: (parameters: Parameter[]) => void): void {
    this.#publishParameters = publish;
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
    const lidar = new Channel<PointCloud>("/lidar", { context, encoder: PointCloud });
    const camera = new Channel<RawImage>("/camera", { context, encoder: RawImage });
    this.#channels.push(imu, battery, diagnostics, gps, tf, lidar, camera);
    const noise = () => (Math.random() - 0.5) * 0.02;
    this.#every("/imu", () => {
      const { linear, angular } = this.velocity;
      imu.log({
        angular_velocity: { x: noise(), y: noise(), z: angular + noise() },
        linear_acceleration: { x: noise(), y: linear * angular + noise(), z: 9.81 + noise() },
      });
    });
    this.#every("/battery", () => {
      const percentage = Math.max(0, 100 - t() / 36);
      battery.log({ voltage: 22 + (percentage / 100) * 3.2, percentage });
    });
    let tick = 0;
    this.#every("/diagnostics", () => {
      tick += 1;
      const { linear, angular } = this.velocity;
      diagnostics.log({
        status: [
          {
            name: "motors",
            level: "OK",
            message: linear === 0 && angular === 0 ? "stopped" : "nominal",
          },
          { name: "lidar", level: tick % 20 === 0 ? "WARN" : "OK", message: "spinning" },
          { name: "teleop", level: "OK", message: `last command: ${this.#lastCommand}` },
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
    const tfHz = DEMO_TOPICS.find((d) => d.topic === "/tf")?.hz ?? 20;
    this.#every("/tf", () => {
      const { linear, angular } = this.velocity;
      const pose = this.#pose;
      pose.yaw += angular / tfHz;
      pose.x += (linear * Math.cos(pose.yaw)) / tfHz;
      pose.y += (linear * Math.sin(pose.yaw)) / tfHz;
      tf.log({
        timestamp: stamp(nowNanos()),
        parent_frame_id: "odom",
        child_frame_id: "base_link",
        translation: { x: pose.x, y: pose.y, z: 0 },
        rotation: { x: 0, y: 0, z: Math.sin(pose.yaw / 2), w: Math.cos(pose.yaw / 2) },
      });
    });
    this.#every("/lidar", () => {
      // Building the cloud costs time: only when someone receives it.
      if (lidar.hasSinks()) {
        lidar.log({
          ...syntheticLidarCloud(t(), { points: DEMO_LIDAR_POINTS }),
          timestamp: stamp(nowNanos()),
        });
      }
    });
    const pixels = new Uint8Array(CAMERA_WIDTH * CAMERA_HEIGHT * 3);
    let frame = 0;
    this.#every("/camera", () => {
      frame += 1;
      if (!camera.hasSinks()) {
        return;
      }
      drawCameraFrame(frame, pixels);
      camera.log({
        timestamp: stamp(nowNanos()),
        frame_id: "camera",
        width: CAMERA_WIDTH,
        height: CAMERA_HEIGHT,
        encoding: "rgb8",
        step: CAMERA_WIDTH * 3,
        data: pixels,
      });
    });
  }

  #services(): ServiceDefinition[] {
    const empty = { encoding: "json", schema: emptySchema };
    return [
      {
        name: "/stop",
        type: "demo.Stop",
        request: empty,
        response: empty,
        handler: (r) => {
          this.#linear = 0;
          this.#angular = 0;
          this.#lastCommand = `stopped by ${r.client.identity}`;
          this.#onLog(`service /stop called by ${r.client.identity}: robot stopped`);
          return jsonBytes({ stopped: true });
        },
      },
      {
        name: "/reset_odometry",
        type: "demo.ResetOdometry",
        request: empty,
        response: empty,
        handler: (r) => {
          this.#pose = { x: 0, y: 0, yaw: 0 };
          this.#onLog(`service /reset_odometry called by ${r.client.identity}: pose reset`);
          return jsonBytes({ x: 0, y: 0, yaw: 0 });
        },
      },
    ];
  }

  #parameterHandler(): ParameterHandler {
    return {
      getParameters: (names) =>
        names.length === 0 ? this.parameters : names.flatMap((n) => this.#parameters.get(n) ?? []),
      setParameters: (parameters, { client }) => {
        const applied: Parameter[] = [];
        for (const p of parameters) {
          const current = this.#parameters.get(p.name);
          if (current === undefined) {
            throw new Error(`Unknown parameter: ${p.name}`);
          }
          if (typeof p.value !== typeof current.value) {
            throw new Error(`Parameter ${p.name} must be a ${typeof current.value}`);
          }
          const next = { ...current, value: p.value };
          this.#parameters.set(p.name, next);
          applied.push(next);
          this.#onLog(
            `parameter ${p.name} = ${JSON.stringify(p.value)} (set by ${client.identity})`,
          );
        }
        this.#publishParameters(applied);
        return applied;
      },
    };
  }

  #teleop(from: string, payload: Uint8Array): void {
    let command: { linear?: { x?: unknown }; angular?: { z?: unknown } };
    try {
      command = JSON.parse(new TextDecoder().decode(payload)) as typeof command;
    } catch {
      this.#onLog(`teleop: ignoring a command from ${from} that is not JSON`);
      return;
    }
    const max = this.#number("max_angular");
    const linear = Number(command.linear?.x ?? 0);
    const angular = Number(command.angular?.z ?? 0);
    if (!Number.isFinite(linear) || !Number.isFinite(angular)) {
      this.#onLog(`teleop: ignoring a command from ${from} without numbers`);
      return;
    }
    this.#linear = linear;
    this.#angular = Math.max(-max, Math.min(max, angular));
    this.#lastCommand = `linear.x=${this.#linear} angular.z=${this.#angular} from ${from}`;
    this.#onLog(`teleop: ${this.#lastCommand}`);
  }

  #number(name: string): number {
    const value = this.#parameters.get(name)?.value;
    return typeof value === "number" ? value : 1;
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
