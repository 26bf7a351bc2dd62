import type { SchemaTable } from "./SchemaTable.js";
import { encodeServerJson } from "./serverJsonCodec.js";
import type { ServerAdvertise } from "./ServerJsonMessage.js";

/**
 * One advertisement sent to many connections (delta 1.4, `broadcast_advertisement`): a
 * connection with a {@link SchemaTable} gets its own schema-table JSON, deduplicated against its
 * table; every other connection gets the inline JSON, serialized once per broadcast and only if
 * some connection needs it. The caller queues each text on its connection before asking for the
 * next connection's, so definitions precede first use.
 */
export class AdvertiseBroadcast {
  readonly #advertise: ServerAdvertise;
  #inline: string | undefined;

  /** `advertise` is the inline form after metadata injection and point-cloud rewriting. */
  constructor(advertise: ServerAdvertise) {
    this.#advertise = advertise;
  }

  /** True once the inline text was built. */
  get inlineEncoded(): boolean {
    return this.#inline !== undefined;
  }

  /** The JSON text for a connection with `table` (schema-table form) or none (inline form). */
  jsonFor(table: SchemaTable | undefined): string {
    if (table !== undefined) {
      return encodeServerJson(table.deduplicate(this.#advertise));
    }
    return (this.#inline ??= encodeServerJson(this.#advertise));
  }
}
