import { median } from "../harness.js";
import { fmt, ratio } from "./report.js";

/** One measured point-cloud phase of one gateway (the `pointcloud` workload of bench:compare). */
export interface CloudSample {
  impl: "ours" | "reference";
  /** Clouds the device logged. */
  sent: number;
  /** Length of the logging phase, s. */
  seconds: number;
  /** Device process CPU from the first cloud until 1 s after the last one, s. */
  cpuSeconds: number;
  /** Clouds the viewer received during the phase and its drain. */
  delivered: number;
  /** Bytes of the clouds the viewer received (compressed, as delivered). */
  deliveredBytes: number;
  /** Bytes of one logged (uncompressed protobuf) cloud. */
  rawBytes: number;
}

/** Per-phase figures of a {@link CloudSample}. */
export interface CloudFigures {
  /** Device CPU per logged cloud, ms (encode plus logging and delivery). */
  cpuMsPerCloud: number;
  /**
   * Device CPU per delivered cloud, ms: what an encoded cloud costs, since clouds that arrive
   * while the encoder is busy are dropped unencoded (NaN when none arrived).
   */
  cpuMsPerDelivered: number;
  /** Mean delivered bytes per cloud (NaN when none arrived). */
  compressedBytes: number;
  /** Logged bytes / delivered bytes per cloud (NaN when none arrived). */
  compressionRatio: number;
  /** Clouds delivered per second of logging. */
  deliveredPerSec: number;
  /** Clouds delivered / clouds logged (NaN when none were logged). */
  deliveredShare: number;
  /** Clouds logged per second. */
  loggedPerSec: number;
}

/** The figures of one phase. */
export function cloudFigures(s: CloudSample): CloudFigures {
  const compressedBytes = s.delivered > 0 ? s.deliveredBytes / s.delivered : NaN;
  return {
    cpuMsPerCloud: s.sent > 0 ? (s.cpuSeconds * 1000) / s.sent : NaN,
    cpuMsPerDelivered: s.delivered > 0 ? (s.cpuSeconds * 1000) / s.delivered : NaN,
    compressedBytes,
    compressionRatio: s.rawBytes / compressedBytes,
    deliveredPerSec: s.seconds > 0 ? s.delivered / s.seconds : NaN,
    deliveredShare: s.sent > 0 ? s.delivered / s.sent : NaN,
    loggedPerSec: s.seconds > 0 ? s.sent / s.seconds : NaN,
  };
}

const KEYS = [
  "cpuMsPerCloud",
  "cpuMsPerDelivered",
  "compressedBytes",
  "compressionRatio",
  "deliveredPerSec",
  "deliveredShare",
  "loggedPerSec",
] as const;

/** Medians of each figure over the phases of `impl` (undefined when it has none). */
export function medianCloudFigures(
  samples: readonly CloudSample[],
  impl: CloudSample["impl"],
): CloudFigures | undefined {
  const figures = samples.filter((s) => s.impl === impl).map(cloudFigures);
  if (figures.length === 0) return undefined;
  const out = {} as CloudFigures;
  for (const k of KEYS) {
    const values = figures.map((f) => f[k]).filter((x) => Number.isFinite(x));
    out[k] = values.length > 0 ? median(values) : NaN;
  }
  return out;
}

/** Whether ours meets the target: delivered rate ≥ the reference's, CPU ≤ 2x its. */
export interface CloudVerdict {
  met: boolean;
  /**
   * ours / reference share of logged clouds delivered (target ≥ 1). Both log at the same fixed
   * rate, so this is the ratio of delivered rates without the noise of each device's own measure
   * of its phase length (a few ms either way).
   */
  deliveredRatio: number | undefined;
  /** ours / reference CPU per cloud (target ≤ 2). */
  cpuRatio: number | undefined;
}

/**
 * The target check on the medians: not met when a side is missing or the reference delivered
 * nothing (no rate to compare against).
 */
export function cloudVerdict(
  ours: CloudFigures | undefined,
  reference: CloudFigures | undefined,
): CloudVerdict {
  const deliveredRatio = ratio(ours?.deliveredShare, reference?.deliveredShare);
  const cpuRatio = ratio(ours?.cpuMsPerCloud, reference?.cpuMsPerCloud);
  // Nothing delivered by the reference (e.g. every cloud over the size limit) compares nothing.
  const deliveredOk = deliveredRatio !== undefined && deliveredRatio >= 1;
  return { met: deliveredOk && cpuRatio !== undefined && cpuRatio <= 2, deliveredRatio, cpuRatio };
}

/** The medians of both gateways and the ratios ours / reference as a markdown table. */
export function cloudTable(samples: readonly CloudSample[]): string {
  const ours = medianCloudFigures(samples, "ours");
  const ref = medianCloudFigures(samples, "reference");
  const runs = (impl: CloudSample["impl"]) => samples.filter((s) => s.impl === impl).length;
  const row = (name: string, f: CloudFigures | undefined, n: string) =>
    `| ${name} | ${fmt(f?.cpuMsPerCloud)} | ${fmt(f?.cpuMsPerDelivered)} | ${fmt(f?.compressedBytes, 0)} | ${fmt(f?.compressionRatio, 1)} | ${fmt(f?.loggedPerSec, 1)} | ${fmt(f?.deliveredPerSec, 1)} | ${n} |`;
  const x = (k: keyof CloudFigures) => fmt(ratio(ours?.[k], ref?.[k]), 2);
  const v = cloudVerdict(ours, ref);
  return [
    "| gateway | CPU ms/cloud logged | CPU ms/cloud delivered | delivered B/cloud | compression ratio | logged clouds/s | delivered clouds/s | runs |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    row("ours", ours, String(runs("ours"))),
    row("reference", ref, String(runs("reference"))),
    `| ours / reference | ${x("cpuMsPerCloud")} | ${x("cpuMsPerDelivered")} | ${x("compressedBytes")} | ${x("compressionRatio")} | ${x("loggedPerSec")} | ${x("deliveredPerSec")} | |`,
    "",
    `Target (delivered ≥ reference's, CPU per cloud ≤ 2x reference's): ${v.met ? "**met**" : "**not met**"} (delivered ${fmt(v.deliveredRatio, 2)}x, CPU ${fmt(v.cpuRatio, 2)}x).`,
  ].join("\n");
}
