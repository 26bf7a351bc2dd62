import { FoxgloveError } from "../core/FoxgloveError.js";
import type {
  AdvertisedChannel,
  AdvertisedSchema,
  ServerAdvertise,
  ServerAdvertiseWithSchemaTable,
} from "./ServerJsonMessage.js";

/** Result of {@link SchemaTableReader.read}: inline channels, and channels that could not be resolved. */
export interface ResolvedAdvertise {
  /** The advertised channels with their schemas inline, in message order. */
  channels: AdvertisedChannel[];
  /** One `ERR_DECODE` per channel whose `schemaId` is not defined on this connection. */
  errors: FoxgloveError[];
}

/**
 * The receiving side of a connection's schema table (delta 1.5): reads either `advertise` form
 * and returns inline channels, so a viewer handles 2.2.0 and 2.3.0 devices alike. Definitions
 * persist until {@link clear}, which a viewer calls on every `serverInfo` (the first frame of
 * every device control stream). Pure and synchronous.
 */
export class SchemaTableReader {
  readonly #schemas = new Map<number, AdvertisedSchema>();

  /** Number of schemas known on this connection. */
  get size(): number {
    return this.#schemas.size;
  }

  /**
   * Stores the definitions of a schema-table `advertise`, then resolves each channel's `schemaId`;
   * an inline `advertise` passes through unchanged.
   */
  read(advertise: ServerAdvertise | ServerAdvertiseWithSchemaTable): ResolvedAdvertise {
    if (!("schemas" in advertise)) {
      return { channels: advertise.channels, errors: [] };
    }
    for (const s of advertise.schemas) {
      this.#schemas.set(s.id, s);
    }
    const channels: AdvertisedChannel[] = [];
    const errors: FoxgloveError[] = [];
    for (const c of advertise.channels) {
      const out: AdvertisedChannel = {
        id: c.id,
        topic: c.topic,
        encoding: c.encoding,
        schemaName: "",
        schema: "",
      };
      if (c.schemaId !== undefined) {
        const s = this.#schemas.get(c.schemaId);
        if (s === undefined) {
          errors.push(
            new FoxgloveError(
              "ERR_DECODE",
              `channel ${c.id} (${c.topic}) uses schema id ${c.schemaId}, which this connection never defined`,
            ),
          );
          continue;
        }
        out.schemaName = s.name;
        out.schemaEncoding = s.encoding;
        out.schema = s.data;
      }
      if (c.metadata !== undefined) {
        out.metadata = c.metadata;
      }
      channels.push(out);
    }
    return { channels, errors };
  }

  /** Forgets every definition (call on each `serverInfo`). */
  clear(): void {
    this.#schemas.clear();
  }
}
