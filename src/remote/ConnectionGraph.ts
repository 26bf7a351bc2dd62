import type { ConnectionGraphUpdate } from "../protocol/index.js";
import type { ViewerKey } from "./ViewerConnection.js";

/**
 * A connection graph for the Topic Graph panel: topic and service names, each with the IDs of its
 * publishers, subscribers or providers. Published with `publishConnectionGraph`, which replaces
 * the whole graph.
 */
export interface ConnectionGraph {
  /** Topic → publisher IDs. */
  readonly publishedTopics?: Readonly<Record<string, readonly string[]>> | undefined;
  /** Topic → subscriber IDs. */
  readonly subscribedTopics?: Readonly<Record<string, readonly string[]>> | undefined;
  /** Service → provider IDs. */
  readonly advertisedServices?: Readonly<Record<string, readonly string[]>> | undefined;
}

type Sets = Map<string, ReadonlySet<string>>;

interface Normalized {
  readonly published: Sets;
  readonly subscribed: Sets;
  readonly services: Sets;
}

const EMPTY: Normalized = { published: new Map(), subscribed: new Map(), services: new Map() };

/**
 * The stored graph and its subscribers (spec session 9.5). The graph outlives viewers and
 * transports; a subscriber gets the whole graph first, then diffs.
 */
export class ConnectionGraphState {
  readonly #subscribers = new Set<ViewerKey>();
  #graph: Normalized = EMPTY;

  /** Viewers subscribed to updates. */
  get subscribers(): ReadonlySet<ViewerKey> {
    return this.#subscribers;
  }

  /**
   * Subscribes `key`: the full graph as its first update, or undefined when it was already
   * subscribed (nothing is sent again).
   */
  subscribe(key: ViewerKey): ConnectionGraphUpdate | undefined {
    if (this.#subscribers.has(key)) {
      return undefined;
    }
    this.#subscribers.add(key);
    return diff(EMPTY, this.#graph);
  }

  /** Unsubscribes `key`; false when it was not subscribed. */
  unsubscribe(key: ViewerKey): boolean {
    return this.#subscribers.delete(key);
  }

  /** Replaces the graph and returns the diff to send to subscribers (undefined if unchanged). */
  replace(graph: ConnectionGraph): ConnectionGraphUpdate | undefined {
    const next = normalize(graph);
    const update = diff(this.#graph, next);
    this.#graph = next;
    const changed =
      update.publishedTopics.length +
      update.subscribedTopics.length +
      update.advertisedServices.length +
      update.removedTopics.length +
      update.removedServices.length;
    return changed === 0 ? undefined : update;
  }
}

function normalize(graph: ConnectionGraph): Normalized {
  const sets = (r: Readonly<Record<string, readonly string[]>> | undefined): Sets =>
    new Map(Object.entries(r ?? {}).map(([name, ids]) => [name, new Set(ids)]));
  return {
    published: sets(graph.publishedTopics),
    subscribed: sets(graph.subscribedTopics),
    services: sets(graph.advertisedServices),
  };
}

/** Entries of `next` that are new or changed relative to `prev`. */
function changed(prev: Sets, next: Sets): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (const [name, ids] of next) {
    const old = prev.get(name);
    if (old === undefined || old.size !== ids.size || [...ids].some((id) => !old.has(id))) {
      out.push([name, [...ids]]);
    }
  }
  return out;
}

/** The update that turns `prev` into `next`. */
function diff(prev: Normalized, next: Normalized): ConnectionGraphUpdate {
  const removedTopics = new Set<string>();
  for (const name of [...prev.published.keys(), ...prev.subscribed.keys()]) {
    if (!next.published.has(name) && !next.subscribed.has(name)) {
      removedTopics.add(name);
    }
  }
  return {
    op: "connectionGraphUpdate",
    publishedTopics: changed(prev.published, next.published).map(([name, publisherIds]) => ({
      name,
      publisherIds,
    })),
    subscribedTopics: changed(prev.subscribed, next.subscribed).map(([name, subscriberIds]) => ({
      name,
      subscriberIds,
    })),
    advertisedServices: changed(prev.services, next.services).map(([name, providerIds]) => ({
      name,
      providerIds,
    })),
    removedTopics: [...removedTopics],
    removedServices: [...prev.services.keys()].filter((name) => !next.services.has(name)),
  };
}
