import type { ViewerKey } from "./ViewerConnection.js";
/**
 * Which viewers (by viewer key) subscribed to updates of which parameter names. Reports names that gain
 * their first or lose their last subscriber (→ onParametersSubscribe / onParametersUnsubscribe).
 */
export class ParameterSubscriptions {
  readonly #byName = new Map<string, Set<ViewerKey>>();

  /** Subscribes `key` to `names`; returns the names that got their first subscriber. */
  subscribe(key: ViewerKey, names: Iterable<string>): string[] {
    const first: string[] = [];
    for (const name of names) {
      let keys = this.#byName.get(name);
      if (keys === undefined) {
        keys = new Set();
        this.#byName.set(name, keys);
        first.push(name);
      }
      keys.add(key);
    }
    return first;
  }

  /** Unsubscribes `key` from `names`; returns the names that lost their last subscriber. */
  unsubscribe(key: ViewerKey, names: Iterable<string>): string[] {
    const last: string[] = [];
    for (const name of new Set(names)) {
      const keys = this.#byName.get(name);
      if (keys?.delete(key) === true && keys.size === 0) {
        this.#byName.delete(name);
        last.push(name);
      }
    }
    return last;
  }

  /** Removes `key` everywhere (viewer left); returns the names left without subscribers. */
  removeSubscriber(key: ViewerKey): string[] {
    return this.unsubscribe(key, [...this.#byName.keys()]);
  }

  /** The viewer keys subscribed to `name`, or undefined when nobody is. */
  subscribers(name: string): ReadonlySet<ViewerKey> | undefined {
    return this.#byName.get(name);
  }

  /** True when `key` subscribed to `name`. */
  isSubscribed(key: ViewerKey, name: string): boolean {
    return this.#byName.get(name)?.has(key) === true;
  }
}
