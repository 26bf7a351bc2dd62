import type { ConnectionGraphUpdate } from "../protocol/index.js";

/**
 * The device's connection graph (spec 3.2.9) as a viewer knows it: for each topic its publisher
 * and subscriber ids, for each service its provider ids. Names and ids are sorted. The same shape
 * a device publishes with `publishConnectionGraph`, and plain JSON.
 */
export interface ConnectionGraph {
  /** Topic name → publisher ids. */
  readonly publishedTopics: Readonly<Record<string, readonly string[]>>;
  /** Topic name → subscriber ids. */
  readonly subscribedTopics: Readonly<Record<string, readonly string[]>>;
  /** Service name → provider ids. */
  readonly advertisedServices: Readonly<Record<string, readonly string[]>>;
}

/** The graph with no topics and no services. */
export const EMPTY_CONNECTION_GRAPH: ConnectionGraph = Object.freeze({
  publishedTopics: Object.freeze({}),
  subscribedTopics: Object.freeze({}),
  advertisedServices: Object.freeze({}),
});

/**
 * Applies one `connectionGraphUpdate` (a diff) to `graph` and returns the new graph; `graph` is
 * not modified. Entries in the update replace the id lists of their topic or service (an empty
 * list stays an entry); `removedTopics` drops a topic from both the published and the subscribed
 * side, `removedServices` drops services. Names listed both as changed and removed end up
 * removed. Pure.
 *
 * A limit of the protocol: the device only reports a topic as removed when it has neither
 * publishers nor subscribers, so a topic that loses only its publisher side keeps its last
 * publisher list here (the Foxglove app shows the same).
 */
export function applyConnectionGraphUpdate(
  graph: ConnectionGraph,
  update: ConnectionGraphUpdate,
): ConnectionGraph {
  const published = new Map(Object.entries(graph.publishedTopics));
  const subscribed = new Map(Object.entries(graph.subscribedTopics));
  const services = new Map(Object.entries(graph.advertisedServices));
  for (const t of update.publishedTopics) {
    published.set(t.name, t.publisherIds);
  }
  for (const t of update.subscribedTopics) {
    subscribed.set(t.name, t.subscriberIds);
  }
  for (const s of update.advertisedServices) {
    services.set(s.name, s.providerIds);
  }
  for (const name of update.removedTopics) {
    published.delete(name);
    subscribed.delete(name);
  }
  for (const name of update.removedServices) {
    services.delete(name);
  }
  return Object.freeze({
    publishedTopics: sortedRecord(published),
    subscribedTopics: sortedRecord(subscribed),
    advertisedServices: sortedRecord(services),
  });
}

/** Names and their ids, both sorted (Object.fromEntries also keeps a name like `__proto__`). */
function sortedRecord(
  m: Map<string, readonly string[]>,
): Readonly<Record<string, readonly string[]>> {
  const entries = [...m]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, ids]) => [name, Object.freeze([...new Set(ids)].sort())] as const);
  return Object.freeze(Object.fromEntries(entries));
}
