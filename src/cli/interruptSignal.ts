/** What {@link interruptSignal} returns: the signal, and `dispose()` to remove the handlers. */
export interface Interrupt extends Disposable {
  /** Aborted by the first Ctrl-C (SIGINT) or SIGTERM. */
  readonly signal: AbortSignal;
}

/** The exit code of a process ended by a second Ctrl-C (128 + SIGINT). */
export const FORCED_EXIT_CODE = 130;

/**
 * Ctrl-C handling shared by every CLI command: the first SIGINT or SIGTERM aborts `signal` so the
 * command can stop cleanly; a second one while it is still stopping exits at once with code
 * {@link FORCED_EXIT_CODE}. Dispose it when the command is done.
 */
export function interruptSignal(): Interrupt {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) {
      process.stderr.write("foxglove-remote: interrupted again; exiting now\n");
      process.exit(FORCED_EXIT_CODE);
    }
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    [Symbol.dispose]() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
