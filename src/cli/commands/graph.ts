import type { Command } from "commander";
import { FoxgloveError } from "../../core/FoxgloveError.js";
import type { ConnectionGraph } from "../../viewer/index.js";
import { alignColumns } from "../alignColumns.js";
import { addActionAccessOptions, runActionCommand } from "../runActionCommand.js";
import { positiveInteger, type ViewerAccessFlags } from "../viewerAccess.js";

interface GraphFlags extends ViewerAccessFlags {
  json?: boolean;
  watch?: boolean;
  wait: number;
}

/** Adds `foxglove-remote graph`: prints the device's connection graph. */
export function addGraphCommand(program: Command): void {
  addActionAccessOptions(
    program
      .command("graph")
      .description(
        "print the connection graph of the device (topics with their publishers and subscribers, services with their providers)",
      )
      .option("--json", "print the graph as one JSON object per line")
      .option("-w, --watch", "print the whole graph again after each change, until Ctrl-C")
      .option(
        "--wait <ms>",
        "time allowed for the device to send the graph",
        positiveInteger,
        10_000,
      ),
  ).action(async (flags: GraphFlags) => {
    await runActionCommand(flags, async (viewer, signal) => {
      const updates = viewer.subscribeConnectionGraph({ signal });
      const iterator = updates[Symbol.asyncIterator]();
      const timer = setTimeout(() => {
        if (updates.received === 0) {
          updates.unsubscribe();
        }
      }, flags.wait);
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done === true) {
            break;
          }
          process.stdout.write(`${formatGraph(next.value, flags.json === true)}\n`);
          if (flags.watch !== true) {
            return;
          }
        }
      } finally {
        clearTimeout(timer);
        updates.unsubscribe();
      }
      if (signal.aborted) {
        return;
      }
      if (updates.received === 0) {
        throw new FoxgloveError(
          "ERR_TIMEOUT",
          `the device sent no connection graph within ${flags.wait} ms`,
        );
      }
      throw viewer.closeError ?? new FoxgloveError("ERR_CHANNEL_CLOSED", "the viewer closed");
    });
  });
}

/** The graph as text (two aligned tables) or as one line of JSON. Pure. */
export function formatGraph(graph: ConnectionGraph, json: boolean): string {
  if (json) {
    return JSON.stringify(graph);
  }
  const topics = [
    ...new Set([...Object.keys(graph.publishedTopics), ...Object.keys(graph.subscribedTopics)]),
  ].sort();
  const ids = (list: readonly string[] | undefined) =>
    list === undefined || list.length === 0 ? "-" : list.join(",");
  const sections = [
    table(
      ["TOPIC", "PUBLISHERS", "SUBSCRIBERS"],
      topics.map((t) => [t, ids(graph.publishedTopics[t]), ids(graph.subscribedTopics[t])]),
    ),
    table(
      ["SERVICE", "PROVIDERS"],
      Object.entries(graph.advertisedServices).map(([name, providers]) => [name, ids(providers)]),
    ),
  ];
  return sections.join("\n\n");
}

function table(header: string[], rows: string[][]): string {
  return rows.length === 0 ? `no ${header[0]!.toLowerCase()}s` : alignColumns([header, ...rows]);
}
