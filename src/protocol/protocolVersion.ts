/** Remote access protocol version spoken by this SDK (spec 2.1; 2.3.0 since delta 1.1). */
export const PROTOCOL_VERSION = "2.3.0";

/** Oldest peer version accepted. */
export const MIN_PROTOCOL_VERSION = "2.2.0";

/** Version assumed when a peer's `protocolVersion` attribute is absent. */
export const DEFAULT_PROTOCOL_VERSION = "2.2.0";

/** First version whose viewers get the schema-table `advertise` (delta 1.1). */
export const SCHEMA_TABLE_MIN_PROTOCOL_VERSION = "2.3.0";

/** A parsed semantic version (semver 2.0). */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release identifiers (`rc.1` → `["rc", "1"]`); empty for a release. */
  prerelease: string[];
  /** Build metadata identifiers; ignored for ordering. */
  build: string[];
}

const NUMERIC = "(0|[1-9][0-9]*)";
const PRE_ID = "(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)";
const BUILD_ID = "[0-9A-Za-z-]+";
const SEMVER = new RegExp(
  `^${NUMERIC}\\.${NUMERIC}\\.${NUMERIC}` +
    `(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?` +
    `(?:\\+(${BUILD_ID}(?:\\.${BUILD_ID})*))?$`,
);

/**
 * Parses `MAJOR.MINOR.PATCH[-pre][+build]` strictly (no leading zeros, no `v`, no spaces);
 * `undefined` when invalid (including `""` and `2.2`) or a number exceeds 2^53 − 1.
 */
export function parseSemVer(text: string): SemVer | undefined {
  const m = SEMVER.exec(text);
  if (m === null) {
    return undefined;
  }
  const [major, minor, patch] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  if (![major, minor, patch].every(Number.isSafeInteger)) {
    return undefined;
  }
  return {
    major,
    minor,
    patch,
    prerelease: m[4] === undefined ? [] : m[4].split("."),
    build: m[5] === undefined ? [] : m[5].split("."),
  };
}

function compareIdentifiers(a: string, b: string): number {
  const an = /^[0-9]+$/.test(a);
  const bn = /^[0-9]+$/.test(b);
  if (an && bn) {
    return Math.sign(Number(BigInt(a) - BigInt(b)));
  }
  if (an !== bn) {
    return an ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Semver precedence of `a` and `b`: negative, 0 or positive. Build metadata is ignored. */
export function compareSemVer(a: SemVer, b: SemVer): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) {
    return Math.sign(core);
  }
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    // A release sorts above its pre-releases.
    return Math.sign(b.prerelease.length - a.prerelease.length);
  }
  const n = Math.min(a.prerelease.length, b.prerelease.length);
  for (let i = 0; i < n; i++) {
    const c = compareIdentifiers(a.prerelease[i]!, b.prerelease[i]!);
    if (c !== 0) {
      return c;
    }
  }
  return Math.sign(a.prerelease.length - b.prerelease.length);
}

/**
 * The version check of spec 2.1 (delta 1.2), used by the device on a viewer's `protocolVersion`
 * attribute and mirrored by viewers on the device's: absent → 2.2.0; accepted when it parses, its
 * major is 2 and it is not below 2.2.0 (so `2.2.0-rc.1` is rejected). Returns the parsed version
 * of an accepted peer, `undefined` for a rejected one.
 */
export function checkProtocolVersion(attribute: string | undefined): SemVer | undefined {
  const v = parseSemVer(attribute ?? DEFAULT_PROTOCOL_VERSION);
  const min = parseSemVer(MIN_PROTOCOL_VERSION)!;
  return v !== undefined && v.major === min.major && compareSemVer(v, min) >= 0 ? v : undefined;
}

/** True when {@link checkProtocolVersion} accepts `attribute`. */
export function isCompatibleProtocolVersion(attribute: string | undefined): boolean {
  return checkProtocolVersion(attribute) !== undefined;
}

/**
 * True when a peer at `version` reads the schema-table `advertise` (`>= 2.3.0` in semver order,
 * so `2.3.0-rc.1` is false).
 */
export function supportsSchemaTable(version: SemVer): boolean {
  return compareSemVer(version, parseSemVer(SCHEMA_TABLE_MIN_PROTOCOL_VERSION)!) >= 0;
}

/** The status text sent to a rejected viewer; `attribute` is its raw value (absent → 2.2.0). */
export function incompatibleVersionMessage(attribute: string | undefined): string {
  return (
    `Remote access protocol version ${attribute ?? DEFAULT_PROTOCOL_VERSION} is not compatible ` +
    `with this device (supported: ${PROTOCOL_VERSION})`
  );
}
