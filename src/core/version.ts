/** The version of this package, kept in step with package.json by a test. */
export const VERSION = "0.1.0";

/**
 * The library identifier, `foxglove-sdk-typescript/<version>` in the reference's
 * `foxglove-sdk-<language>/<version>` form: sent as the User-Agent to the device API and as the
 * `fg-library` ServerInfo metadata value.
 */
export const LIBRARY_ID = `foxglove-sdk-typescript/${VERSION}`;
