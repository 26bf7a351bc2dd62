import { VERSION } from "../core/version.js";

/** Names this SDK to the Foxglove API: the `User-Agent` of every request, `foxglove-remote/<version>`. */
export const LIBRARY_ID = `foxglove-remote/${VERSION}`;
