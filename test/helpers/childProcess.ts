import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

/** A child process whose output is collected, with waits on its output and its exit. */
export interface RunningChild {
  readonly proc: ChildProcessWithoutNullStreams;
  /** stdout (and, under a pseudo-terminal, stderr too) so far. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the first match of `pattern` in stdout, waiting up to `ms`. */
  waitForOutput(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code (a signal name if killed), or rejects after `ms` (and kills it). */
  exit(ms?: number): Promise<number | string>;
}

/** Quotes an argument for `sh`. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `script` arguments that run `command args` in a pseudo-terminal. `exec` makes the program the
 * terminal's only foreground process, as in a user's interactive shell: without it, a `/bin/sh`
 * that does not exec (dash, the shell `script` uses when SHELL is unset or `/bin/sh`) would also
 * get the Ctrl-C, die of it and make `script` exit 130 whatever the program does.
 */
export function terminalArgs(command: string, args: readonly string[]): string[] {
  return ["-qec", `exec ${[command, ...args].map(shellQuote).join(" ")}`, "/dev/null"];
}

/**
 * Starts `command args` as a user would: directly (pipes), or with `terminal: true` inside a
 * pseudo-terminal made by util-linux `script`, so that the program's stdio are TTYs. Under a
 * terminal, writing "\x03" to `proc.stdin` is a Ctrl-C (the terminal sends SIGINT).
 */
export function startChild(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; terminal?: boolean; cwd?: string } = {},
): RunningChild {
  const proc =
    options.terminal === true
      ? spawn("script", terminalArgs(command, args), {
          env: options.env,
          cwd: options.cwd,
        })
      : spawn(command, args, { env: options.env, cwd: options.cwd });
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  proc.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    listeners.forEach((l) => l());
  });
  proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    proc.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  const describe = () => `stdout: ${stdout}\nstderr: ${stderr}`;
  return {
    proc,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForOutput(pattern, ms = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(stdout);
          if (m !== null) {
            done();
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${String(pattern)} within ${ms} ms\n${describe()}`));
        }, ms);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async exit(ms = 20_000) {
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          exited,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              proc.kill("SIGKILL");
              reject(new Error(`${command} did not exit within ${ms} ms\n${describe()}`));
            }, ms);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
