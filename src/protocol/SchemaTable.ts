import { createHash } from "node:crypto";
import type {
  AdvertisedChannel,
  AdvertisedSchema,
  SchemaTableChannel,
  ServerAdvertise,
  ServerAdvertiseWithSchemaTable,
} from "./ServerJsonMessage.js";

function lengthPrefix(text: string): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(Buffer.byteLength(text, "utf8")));
  return b;
}

/** SHA-256 of the length-prefixed name, encoding and protocol-encoded data (delta 1.4). */
function schemaKey(name: string, encoding: string, data: string): string {
  const h = createHash("sha256");
  for (const part of [name, encoding, data]) {
    h.update(lengthPrefix(part)).update(part, "utf8");
  }
  return h.digest("base64");
}

function hasSchema(c: AdvertisedChannel): boolean {
  return c.schemaEncoding !== undefined || c.schemaName !== "" || c.schema !== "";
}

/**
 * The schema table of one viewer connection (protocol 2.3.0, WebSocket `foxglove.sdk.v1.1`;
 * delta 1.4): turns inline advertisements into the schema-table form, defining each distinct
 * schema (same name, encoding and encoded data) once per connection. Ids start at 1 and are never
 * reused while the table lives, also after the channels using them are unadvertised; only a
 * 32-byte digest per schema is kept. Call {@link clear} whenever the connection starts over
 * (reset, reconnect, new `serverInfo`). Pure and synchronous: the caller must queue each result
 * on the connection before deduplicating the next one, so a definition precedes its first use.
 */
export class SchemaTable {
  readonly #ids = new Map<string, number>();

  /** Number of schemas defined on this connection. */
  get size(): number {
    return this.#ids.size;
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
        const key = schemaKey(c.schemaName, encoding, c.schema);
        let id = this.#ids.get(key);
        if (id === undefined) {
          id = this.#ids.size + 1;
          this.#ids.set(key, id);
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
  }
}
