import type { ChannelDescriptor } from "../core/ChannelDescriptor.js";
import { Context } from "../core/Context.js";
import type { SinkChannelFilter } from "../core/Sink.js";
import { FoxgloveError } from "../core/FoxgloveError.js";
import type { Capability } from "../protocol/index.js";
import type { AssetHandler } from "./Assets.js";
import type { ParameterHandler } from "./Parameters.js";
import type { PointCloudCompressionSetting } from "../media/pointcloud/pointCloudCompression.js";
import { DEFAULT_POINT_CLOUD_ENCODERS } from "../media/pointcloud/PointCloudTranscoder.js";
import type { QosClassifier } from "./planChannels.js";
import type { ServiceDefinition } from "./Services.js";
import { serverCapabilities, type GatewayCapability } from "./serverInfo.js";
import type { ViewerListener } from "./ViewerListener.js";

/**
 * What every server that serves Foxglove viewers is configured with (the remote access gateway's
 * options extend it). Declared once here and resolved once by {@link resolveViewerHubOptions}.
 */
export interface ViewerHubOptions {
  /** Whose channels viewers see. Default `Context.default()`. */
  context?: Context | undefined;
  /** Channels offered to viewers. Default all. */
  channelFilter?: SinkChannelFilter | undefined;
  /** Capabilities announced to viewers (`parameters` adds `parametersSubscribe`). Default none. */
  capabilities?: readonly GatewayCapability[] | undefined;
  /** Encodings accepted for client publish and service requests. Default none. */
  supportedEncodings?: readonly string[] | undefined;
  /** Extra ServerInfo metadata (`fg-library` is always set). Default none. */
  serverInfo?: Readonly<Record<string, string>> | undefined;
  /** Reliable or lossy delivery per channel. Default lossy. */
  qosClassifier?: QosClassifier | undefined;
  /**
   * Called once per video-capable channel (image topics) when it is advertised: `true` sends it
   * as plain data instead of offering a video track (e.g. depth images that lossy video would
   * corrupt). Default: every video-capable channel is offered as video.
   */
  suppressVideoTranscode?: ((channel: ChannelDescriptor) => boolean) | undefined;
  /** Callbacks about viewers. Default none. */
  listener?: ViewerListener | undefined;
  /**
   * Services offered at start (adds the `services` capability and their request encodings to
   * `supportedEncodings`). More can be added and removed at run time. Default none.
   */
  services?: readonly ServiceDefinition[] | undefined;
  /**
   * Answers parameter get/set (adds the `parameters` capability). Default none: with the
   * capability on, the hub keeps a simple parameter store (see `Parameters`).
   */
  parameterHandler?: ParameterHandler | undefined;
  /** Answers asset fetches (adds the `assets` capability). Default none. */
  assetHandler?: AssetHandler | undefined;
  /**
   * How long a service, parameter or asset handler may take before the request fails with a
   * "did not respond" message, in ms. Default 30 000.
   */
  requestTimeoutMs?: number | undefined;
  /**
   * Requests each viewer may have in flight, per kind (service calls, asset fetches, parameter
   * get/set); more are refused at once. Default 32.
   */
  maxRequestsInFlight?: number | undefined;
  /**
   * Point-cloud compression for remote viewers (session.md 8, delta 3.3): Lossy
   * `foxglove.PointCloud` (protobuf, JSON, FlatBuffer) and ROS 1/ROS 2 `PointCloud2` channels are
   * Draco-compressed and advertised as `foxglove.CompressedPointCloud`. `true` (default) compresses
   * all with the defaults (kd-tree, 12 bits), `false` none; options apply to all; a policy
   * `(channel) => options | true | false | undefined` decides per channel (an opt-out model).
   * Only transports that offer it (remote access) apply it.
   */
  pointCloudCompression?: PointCloudCompressionSetting | undefined;
  /**
   * Clouds of one compressed channel encoded at once, each in its own worker thread (threads are
   * shared by the process's channels and start on demand). More than one keeps up when a single
   * Draco encode takes longer than the interval between clouds, at the cost of more CPU at once;
   * delivery keeps the logging order either way. Default {@link DEFAULT_POINT_CLOUD_ENCODERS} (1).
   */
  pointCloudEncoders?: number | undefined;
}

/** Default of {@link ViewerHubOptions.requestTimeoutMs}: 30 s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Default of {@link ViewerHubOptions.maxRequestsInFlight} (the reference's 32). */
export const DEFAULT_MAX_REQUESTS_IN_FLIGHT = 32;

/** {@link ViewerHubOptions} with defaults applied and capabilities expanded. */
export interface ResolvedViewerHubOptions {
  readonly context: Context;
  readonly channelFilter: SinkChannelFilter | undefined;
  /** Expanded capability strings, in announcement order. */
  readonly capabilities: readonly Capability[];
  readonly supportedEncodings: readonly string[];
  readonly serverInfoMetadata: Readonly<Record<string, string>>;
  readonly qosClassifier: QosClassifier | undefined;
  readonly suppressVideoTranscode: ((channel: ChannelDescriptor) => boolean) | undefined;
  readonly listener: ViewerListener;
  readonly services: readonly ServiceDefinition[];
  readonly parameterHandler: ParameterHandler | undefined;
  readonly assetHandler: AssetHandler | undefined;
  readonly requestTimeoutMs: number;
  readonly maxRequestsInFlight: number;
  readonly pointCloudCompression: PointCloudCompressionSetting;
  readonly pointCloudEncoders: number;
}

/**
 * Applies defaults and validates. Throws FoxgloveError `ERR_CONFIGURATION` when the `assets`
 * capability is configured without an asset handler, or a timeout or limit is not a positive
 * integer.
 */
export function resolveViewerHubOptions(options: ViewerHubOptions = {}): ResolvedViewerHubOptions {
  const services = options.services ?? [];
  const supportedEncodings = [...(options.supportedEncodings ?? [])];
  for (const s of services) {
    const encoding = s.request?.encoding;
    if (encoding !== undefined && !supportedEncodings.includes(encoding)) {
      supportedEncodings.push(encoding);
    }
  }
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const maxRequestsInFlight = options.maxRequestsInFlight ?? DEFAULT_MAX_REQUESTS_IN_FLIGHT;
  const pointCloudEncoders = options.pointCloudEncoders ?? DEFAULT_POINT_CLOUD_ENCODERS;
  for (const [name, value] of [
    ["requestTimeoutMs", requestTimeoutMs],
    ["maxRequestsInFlight", maxRequestsInFlight],
    ["pointCloudEncoders", pointCloudEncoders],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new FoxgloveError("ERR_CONFIGURATION", `${name} must be an integer ≥ 1, got ${value}`);
    }
  }
  return {
    context: options.context ?? Context.default(),
    channelFilter: options.channelFilter,
    capabilities: serverCapabilities(options.capabilities ?? [], {
      hasServices: services.length > 0,
      hasAssetHandler: options.assetHandler !== undefined,
      hasParameterHandler: options.parameterHandler !== undefined,
    }),
    supportedEncodings,
    serverInfoMetadata: { ...options.serverInfo },
    qosClassifier: options.qosClassifier,
    suppressVideoTranscode: options.suppressVideoTranscode,
    listener: options.listener ?? {},
    services,
    parameterHandler: options.parameterHandler,
    assetHandler: options.assetHandler,
    requestTimeoutMs,
    maxRequestsInFlight,
    pointCloudCompression: options.pointCloudCompression ?? true,
    pointCloudEncoders,
  };
}
