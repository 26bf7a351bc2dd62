/**
 * Which viewers (by SID) subscribed to updates of which parameter names. Reports names that gain
 * their first or lose their last subscriber (→ onParametersSubscribe / onParametersUnsubscribe).
 */
export class ParameterSubscriptions {
  readonly #byName = new Map<string, Set<string>>();

  /** Subscribes `sid` to `names`; returns the names that got their first subscriber. */
  subscribe(sid: string, names: Iterable<string>): string[] {
    const first: string[] = [];
    for (const name of names) {
      let sids = this.#byName.get(name);
      if (sids === undefined) {
        sids = new Set();
        this.#byName.set(name, sids);
        first.push(name);
      }
      sids.add(sid);
    }
    return first;
  }

  /** Unsubscribes `sid` from `names`; returns the names that lost their last subscriber. */
  unsubscribe(sid: string, names: Iterable<string>): string[] {
    const last: string[] = [];
    for (const name of new Set(names)) {
      const sids = this.#byName.get(name);
      if (sids?.delete(sid) === true && sids.size === 0) {
        this.#byName.delete(name);
        last.push(name);
      }
    }
    return last;
  }

  /** Removes `sid` everywhere (viewer left); returns the names left without subscribers. */
  removeSubscriber(sid: string): string[] {
    return this.unsubscribe(sid, [...this.#byName.keys()]);
  }

  /** The SIDs subscribed to `name`, or undefined when nobody is. */
  subscribers(name: string): ReadonlySet<string> | undefined {
    return this.#byName.get(name);
  }

  /** True when `sid` subscribed to `name`. */
  isSubscribed(sid: string, name: string): boolean {
    return this.#byName.get(name)?.has(sid) === true;
  }
}
