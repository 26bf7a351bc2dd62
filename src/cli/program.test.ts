import assert from "node:assert/strict";
import { test } from "node:test";
import type { Command } from "commander";
import { buildProgram } from "./program.js";

/** The commands a user runs: every subcommand without subcommands of its own, by full name. */
function leafCommands(command: Command, prefix = ""): [string, Command][] {
  return command.commands.flatMap((sub) => {
    const name = `${prefix}${sub.name()}`;
    return sub.commands.length === 0 ? [[name, sub]] : leafCommands(sub, `${name} `);
  });
}

/** What `foxglove-remote <name> --help` prints, with the texts added after the options. */
function helpOf(command: Command): string {
  let text = "";
  command.configureOutput({ writeOut: (s) => (text += s) });
  command.outputHelp();
  return text;
}

test("every command's --help documents its exit codes exactly once", () => {
  const commands = leafCommands(buildProgram());
  assert.ok(commands.length >= 15, commands.map(([name]) => name).join(", "));
  for (const [name, command] of commands) {
    const help = helpOf(command);
    const tables = help.match(/Exit codes:/g) ?? [];
    assert.equal(tables.length, 1, `${name} --help:\n${help}`);
    assert.match(help, /\b0\b.*(done|stopped)/s, `${name} --help`);
    assert.match(help, /\b1\b/, `${name} --help`);
  }
});

test("the program's --help points to each command's exit codes", () => {
  assert.match(helpOf(buildProgram()), /<command> --help` lists its options and exit codes/);
});

test("the action commands document the request-failed (2) and not-supported (3) exit codes", () => {
  const actions = leafCommands(buildProgram()).filter(([name]) =>
    /^(call|asset|graph|publish|param \w+)$/.test(name),
  );
  assert.equal(actions.length, 7, actions.map(([name]) => name).join(", "));
  for (const [name, command] of actions) {
    const help = helpOf(command);
    assert.match(help, /^ {2}2 {2}the request failed/m, `${name} --help`);
    assert.match(help, /^ {2}3 {2}the device does not support it/m, `${name} --help`);
  }
});
