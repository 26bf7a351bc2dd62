import type { FoxgloveError } from "../core/FoxgloveError.js";
import type { ConnectionGraphUpdate, ServerInfo } from "../protocol/index.js";
import type { ActionFeature, SendToDevice } from "./ActionFeature.js";
import {
  applyConnectionGraphUpdate,
  EMPTY_CONNECTION_GRAPH,
  type ConnectionGraph,
} from "./ConnectionGraphState.js";
import { UpdateSubscription, type UpdateSubscriptionOptions } from "./UpdateSubscription.js";

/**
 * A viewer's connection-graph subscriptions (spec 3.3.9, 3.3.10, 3.2.9): one subscription at the
 * device while any local one is active; the graph merged from the device's diffs and handed to
 * every local subscriber; renewed after a device reset.
 */
export class ConnectionGraphSubscriptions implements ActionFeature {
  readonly #send: SendToDevice;
  readonly #subs = new Set<UpdateSubscription<ConnectionGraph>>();
  #graph: ConnectionGraph | undefined;
  #closed = false;

  constructor(send: SendToDevice) {
    this.#send = send;
  }

  /** The graph while someone subscribes and the device has sent it; else undefined. */
  get graph(): ConnectionGraph | undefined {
    return this.#graph;
  }

  /** See `Viewer.subscribeConnectionGraph`. */
  subscribe(
    options: UpdateSubscriptionOptions<ConnectionGraph>,
  ): UpdateSubscription<ConnectionGraph> {
    const sub = new UpdateSubscription<ConnectionGraph>(options, (s) => this.#unsubscribe(s));
    if (!sub.active) {
      return sub; // aborted already
    }
    this.#subs.add(sub);
    if (this.#subs.size === 1) {
      this.#send({ op: "subscribeConnectionGraph" });
    } else if (this.#graph !== undefined) {
      sub.deliver(this.#graph);
    }
    return sub;
  }

  /** Applies a `connectionGraphUpdate` (a diff) and hands the whole graph to every subscriber. */
  handle(update: ConnectionGraphUpdate): void {
    if (this.#subs.size === 0) {
      return; // a late update after the last unsubscribe
    }
    const graph = applyConnectionGraphUpdate(this.#graph ?? EMPTY_CONNECTION_GRAPH, update);
    this.#graph = graph;
    for (const sub of this.#subs) {
      sub.deliver(graph);
    }
  }

  restore(info: ServerInfo): void {
    if (this.#subs.size > 0 && info.capabilities.includes("connectionGraph")) {
      this.#send({ op: "subscribeConnectionGraph" });
    }
  }

  /** The device forgot us: it sends the whole graph again after `restore`. */
  reset(_error: FoxgloveError): void {
    this.#graph = undefined;
  }

  close(): void {
    this.#closed = true;
    for (const sub of this.#subs) {
      sub.end();
    }
    this.#subs.clear();
    this.#graph = undefined;
  }

  #unsubscribe(sub: UpdateSubscription<ConnectionGraph>): void {
    if (!this.#subs.delete(sub) || this.#subs.size > 0) {
      return;
    }
    this.#graph = undefined;
    if (!this.#closed) {
      this.#send({ op: "unsubscribeConnectionGraph" });
    }
  }
}
