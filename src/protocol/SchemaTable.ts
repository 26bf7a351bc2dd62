import type {
  AdvertisedChannel,
  AdvertisedSchema,
  SchemaTableChannel,
  ServerAdvertise,
  ServerAdvertiseWithSchemaTable,
} from "./ServerJsonMessage.js";

function hasSchema(c: AdvertisedChannel): boolean {
  return c.schemaEncoding !== undefined || c.schemaName !== "" || c.schema !== "";
}

/**
 * The schema table of one viewer connection (protocol 2.3.0, WebSocket `foxglove.sdk.v1.1`;
 * delta 1.4): turns inline advertisements into the schema-table form, defining each distinct
 * schema (same name, encoding and encoded data) once per connection. Ids start at 1 and are never
 * reused while the table lives, also after the channels using them are unadvertised. The table
 * is keyed by the exact strings (name → encoding → encoded data), so it holds references to the
 * advertisement's strings rather than copies, and never confuses two schemas. Call {@link clear} whenever the connection starts over
 * (reset, reconnect, new `serverInfo`). Pure and synchronous: the caller must queue each result
 * on the connection before deduplicating the next one, so a definition precedes its first use.
 */
export class SchemaTable {
  readonly #ids = new Map<string, Map<string, Map<string, number>>>();
  #size = 0;

  /** Number of schemas defined on this connection. */
  get size(): number {
    return this.#size;
  }

  /**
   * The schema-table form of `advertise` for this connection: channels in order with `schemaId`
   * (none for schema-less channels), metadata copied; `schemas` holds only the definitions new to
   * this connection, in order of first reference.
   */
  deduplicate(advertise: ServerAdvertise): ServerAdvertiseWithSchemaTable {
    const schemas: AdvertisedSchema[] = [];
    const channels = advertise.channels.map((c): SchemaTableChannel => {
      const out: SchemaTableChannel = { id: c.id, topic: c.topic, encoding: c.encoding };
      if (hasSchema(c)) {
        const encoding = c.schemaEncoding ?? "";
        let byEncoding = this.#ids.get(c.schemaName);
        if (byEncoding === undefined) {
          byEncoding = new Map<string, Map<string, number>>();
          this.#ids.set(c.schemaName, byEncoding);
        }
        let byData = byEncoding.get(encoding);
        if (byData === undefined) {
          byData = new Map<string, number>();
          byEncoding.set(encoding, byData);
        }
        let id = byData.get(c.schema);
        if (id === undefined) {
          id = ++this.#size;
          byData.set(c.schema, id);
          schemas.push({ id, name: c.schemaName, encoding, data: c.schema });
        }
        out.schemaId = id;
      }
      if (c.metadata !== undefined) {
        out.metadata = { ...c.metadata };
      }
      return out;
    });
    return { op: "advertise", schemas, channels };
  }

  /** Forgets every schema: the next advertisement defines its schemas again from id 1. */
  clear(): void {
    this.#ids.clear();
    this.#size = 0;
  }
}
