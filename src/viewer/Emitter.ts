import { log } from "../core/logger.js";

type Listener = (...args: unknown[]) => void;

/** An event map: event name → listener argument tuple. */
export type EventMap = { [event: string]: unknown[] };

/** Listener objects: one optional method per event. */
export type ListenerObject<E extends EventMap> = { [K in keyof E]?: (...args: E[K]) => void };

/**
 * A small typed event emitter. Listeners run synchronously in registration order; a listener
 * that throws is logged and never disturbs the emitter or other listeners. Unlike Node's
 * EventEmitter, an `error` event without listeners is simply dropped.
 */
export class Emitter<E extends EventMap> {
  readonly #listeners = new Map<keyof E, Listener[]>();

  /** Calls `fn` on every `event`; returns a function that removes it. */
  on<K extends keyof E>(event: K, fn: (...args: E[K]) => void): () => void {
    const list = this.#listeners.get(event) ?? [];
    list.push(fn as unknown as Listener);
    this.#listeners.set(event, list);
    return () => this.off(event, fn);
  }

  /** Removes a listener added with {@link on}. */
  off<K extends keyof E>(event: K, fn: (...args: E[K]) => void): void {
    const list = this.#listeners.get(event);
    const i = list?.indexOf(fn as unknown as Listener) ?? -1;
    if (list !== undefined && i >= 0) {
      list.splice(i, 1);
    }
  }

  /** Registers every method of a listener object; returns a function that removes them all. */
  addListener(listener: ListenerObject<E>): () => void {
    const removers: (() => void)[] = [];
    for (const event of Object.keys(listener) as (keyof E)[]) {
      const fn = listener[event];
      if (typeof fn === "function") {
        removers.push(this.on(event, (...args) => fn.apply(listener, args)));
      }
    }
    return () => removers.forEach((r) => r());
  }

  /** Number of listeners for `event`. */
  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** Calls the listeners of `event` with `args`. */
  emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const list = this.#listeners.get(event);
    if (list === undefined || list.length === 0) {
      return;
    }
    for (const fn of [...list]) {
      try {
        fn(...args);
      } catch (error) {
        log.error(`viewer ${String(event)} listener threw:`, error);
      }
    }
  }
}
