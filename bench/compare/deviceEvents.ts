/**
 * Events a bench device program prints, one JSON object per stdout line (see the line protocol in
 * bench/compare/reference_device.py; bench/compare/ourDevice.ts speaks the same).
 */
export type DeviceEvent =
  | { event: "started"; impl: string; version: string; pid: number }
  | { event: "status"; status: string }
  | { event: "subscribers"; count: number }
  | { event: "warmed"; /** Warm-up messages logged. */ sent: number }
  | {
      event: "result";
      /** Messages logged in the measured phase. */
      sent: number;
      /** Wall time of the measured phase, s. */
      seconds: number;
      /** Process CPU time (all threads, user + system) during the measured phase, s. */
      cpuSeconds: number;
      /** Peak resident set size of the process so far, bytes. */
      peakRssBytes: number;
    }
  | { event: "stopped"; cpuSeconds: number; peakRssBytes: number }
  | { event: "error"; message: string };

/** The names of {@link DeviceEvent}s. */
export type DeviceEventName = DeviceEvent["event"];

const NUMBER_FIELDS: Record<DeviceEventName, readonly string[]> = {
  started: ["pid"],
  status: [],
  subscribers: ["count"],
  warmed: ["sent"],
  result: ["sent", "seconds", "cpuSeconds", "peakRssBytes"],
  stopped: ["cpuSeconds", "peakRssBytes"],
  error: [],
};

const STRING_FIELDS: Record<DeviceEventName, readonly string[]> = {
  started: ["impl", "version"],
  status: ["status"],
  subscribers: [],
  warmed: [],
  result: [],
  stopped: [],
  error: ["message"],
};

/**
 * Parses one stdout line of a device program. Returns undefined for a line that is not a
 * well-formed event (a stray print), so a chatty library cannot derail the driver.
 */
export function parseDeviceEvent(line: string): DeviceEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const name = record.event;
  if (typeof name !== "string" || !Object.hasOwn(NUMBER_FIELDS, name)) return undefined;
  const kind = name as DeviceEventName;
  for (const field of NUMBER_FIELDS[kind]) {
    if (typeof record[field] !== "number" || !Number.isFinite(record[field])) return undefined;
  }
  for (const field of STRING_FIELDS[kind]) {
    if (typeof record[field] !== "string") return undefined;
  }
  return record as DeviceEvent;
}
