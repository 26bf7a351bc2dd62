import { Context } from "../core/Context.js";
import type { SinkChannelFilter } from "../core/Sink.js";
import type { Capability } from "../protocol/index.js";
import type { QosClassifier } from "./planChannels.js";
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
  /** Callbacks about viewers. Default none. */
  listener?: ViewerListener | undefined;
}

/** {@link ViewerHubOptions} with defaults applied and capabilities expanded. */
export interface ResolvedViewerHubOptions {
  readonly context: Context;
  readonly channelFilter: SinkChannelFilter | undefined;
  /** Expanded capability strings, in announcement order. */
  readonly capabilities: readonly Capability[];
  readonly supportedEncodings: readonly string[];
  readonly serverInfoMetadata: Readonly<Record<string, string>>;
  readonly qosClassifier: QosClassifier | undefined;
  readonly listener: ViewerListener;
}

/**
 * Applies defaults and validates. Throws FoxgloveError `ERR_CONFIGURATION` when the `assets`
 * capability is configured without an asset handler.
 */
export function resolveViewerHubOptions(options: ViewerHubOptions = {}): ResolvedViewerHubOptions {
  return {
    context: options.context ?? Context.default(),
    channelFilter: options.channelFilter,
    capabilities: serverCapabilities(options.capabilities ?? []),
    supportedEncodings: [...(options.supportedEncodings ?? [])],
    serverInfoMetadata: { ...options.serverInfo },
    qosClassifier: options.qosClassifier,
    listener: options.listener ?? {},
  };
}
