import type { ConnectionGraphUpdate } from "../protocol/index.js";

/**
 * The device's connection graph (spec 3.2.9), as a viewer knows it: for each topic its publisher
 * and subscriber ids, for each service its provider ids. Names and ids are sorted.
 */
export interface ConnectionGraph {
  /** Topic name → publisher ids. */
  readonly publishedTopics: ReadonlyMap<string, readonly string[]>;
  /** Topic name → subscriber ids. */
  readonly subscribedTopics: ReadonlyMap<string, readonly string[]>;
  /** Service name → provider ids. */
  readonly advertisedServices: ReadonlyMap<string, readonly string[]>;
}

/** The graph with no topics and no services. */
export const EMPTY_CONNECTION_GRAPH: ConnectionGraph = Object.freeze({
  publishedTopics: new Map(),
  subscribedTopics: new Map(),
  advertisedServices: new Map(),
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
  const published = new Map(graph.publishedTopics);
  const subscribed = new Map(graph.subscribedTopics);
  const services = new Map(graph.advertisedServices);
  for (const t of update.publishedTopics) {
    published.set(t.name, sortedUnique(t.publisherIds));
  }
  for (const t of update.subscribedTopics) {
    subscribed.set(t.name, sortedUnique(t.subscriberIds));
  }
  for (const s of update.advertisedServices) {
    services.set(s.name, sortedUnique(s.providerIds));
  }
  for (const name of update.removedTopics) {
    published.delete(name);
    subscribed.delete(name);
  }
  for (const name of update.removedServices) {
    services.delete(name);
  }
  return Object.freeze({
    publishedTopics: sortedMap(published),
    subscribedTopics: sortedMap(subscribed),
    advertisedServices: sortedMap(services),
  });
}

/** The graph as plain JSON: `{ publishedTopics: { topic: ids }, subscribedTopics, advertisedServices }`. */
export function connectionGraphToJson(graph: ConnectionGraph): {
  publishedTopics: Record<string, string[]>;
  subscribedTopics: Record<string, string[]>;
  advertisedServices: Record<string, string[]>;
} {
  const plain = (m: ReadonlyMap<string, readonly string[]>) =>
    Object.fromEntries([...m].map(([k, v]) => [k, [...v]]));
  return {
    publishedTopics: plain(graph.publishedTopics),
    subscribedTopics: plain(graph.subscribedTopics),
    advertisedServices: plain(graph.advertisedServices),
  };
}

function sortedUnique(ids: readonly string[]): readonly string[] {
  return Object.freeze([...new Set(ids)].sort());
}

function sortedMap<V>(m: Map<string, V>): ReadonlyMap<string, V> {
  return new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
