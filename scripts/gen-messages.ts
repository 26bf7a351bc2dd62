// Generates src/messages/generated/*.ts from the schema definitions of @foxglove/schemas:
// the .proto text it produces is compiled with protobufjs into FileDescriptorProtos (the schema
// data of the protobuf encoders) and into specialized encode functions.
//
//   node --import tsx scripts/gen-messages.ts          write the files
//   node --import tsx scripts/gen-messages.ts --check  exit 1 if they are out of date
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  foxgloveEnumSchemas,
  foxgloveMessageSchemas,
  generateProto,
  type FoxgloveMessageSchema,
} from "@foxglove/schemas/internal.js";
import protobuf from "protobufjs";
import descriptor from "protobufjs/ext/descriptor.js";

type Type = protobuf.Type;
type Field = protobuf.Field;

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT_DIR = "src/messages/generated";

/** One .proto file: its name, package, imports and the single message it defines. */
interface ProtoFile {
  name: string;
  pkg: string;
  imports: string[];
  /** Fully qualified protobuf name, e.g. `foxglove.Pose`. */
  fullName: string;
}

/** How a message schema is exposed: schema name, TypeScript type, files of its descriptor set. */
interface MessageInfo {
  schemaName: string;
  protoName: string;
  tsType: string;
  file: ProtoFile;
}

const WELL_KNOWN: Record<string, { file: string; tsType: string }> = {
  "google.protobuf.Timestamp": { file: "google/protobuf/timestamp.proto", tsType: "Time" },
  "google.protobuf.Duration": { file: "google/protobuf/duration.proto", tsType: "Duration" },
};
/** Foxglove's Time/Duration use `sec`/`nsec` where google's types have `seconds`/`nanos`. */
const WELL_KNOWN_PROPERTIES: Record<string, string> = { seconds: "sec", nanos: "nsec" };

function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name?: string;
        version: string;
      };
      if (pkg.name === name) {
        return pkg.version;
      }
    } catch {
      // keep looking upwards
    }
    const up = dirname(dir);
    if (up === dir) {
      throw new Error(`cannot find the package.json of ${name}`);
    }
    dir = up;
  }
}

/** Parses every schema's .proto text into one protobufjs root. */
function compile(): {
  root: protobuf.Root;
  files: Map<string, ProtoFile>;
  messages: MessageInfo[];
} {
  const root = new protobuf.Root();
  const files = new Map<string, ProtoFile>();
  const messages: MessageInfo[] = [];
  const schemas: FoxgloveMessageSchema[] = Object.values(foxgloveMessageSchemas);
  for (const schema of schemas) {
    if (schema.protoEquivalent !== undefined) {
      const wk = WELL_KNOWN[schema.protoEquivalent];
      if (wk === undefined) {
        throw new Error(`unknown protobuf equivalent ${schema.protoEquivalent}`);
      }
      const common = protobuf.common.get(wk.file);
      if (common?.nested === undefined) {
        throw new Error(`protobufjs has no definition of ${wk.file}`);
      }
      root.addJSON(common.nested);
      const file = {
        name: wk.file,
        pkg: "google.protobuf",
        imports: [],
        fullName: schema.protoEquivalent,
      };
      files.set(file.name, file);
      messages.push({ schemaName: schema.name, protoName: file.fullName, tsType: wk.tsType, file });
      continue;
    }
    const enums = Object.values(foxgloveEnumSchemas).filter(
      (e) => e.parentSchemaName === schema.name,
    );
    const parsed = protobuf.parse(generateProto(schema, enums), root, { keepCase: true });
    const file = {
      name: `foxglove/${schema.name}.proto`,
      pkg: parsed.package ?? "",
      imports: [...(parsed.imports ?? [])],
      fullName: `${parsed.package}.${schema.name}`,
    };
    files.set(file.name, file);
    messages.push({ schemaName: schema.name, protoName: file.fullName, tsType: schema.name, file });
  }
  root.resolveAll();
  messages.sort((a, b) => (a.schemaName < b.schemaName ? -1 : 1));
  return { root, files, messages };
}

function protocJsonName(name: string): string {
  return name.replace(/_(.)/g, (_m, c: string) => c.toUpperCase());
}

/** A FileDescriptorProto like protoc writes: fully qualified type names, json names. */
function fileDescriptor(root: protobuf.Root, file: ProtoFile): Uint8Array {
  const type = root.lookupType(file.fullName);
  const message = type.toDescriptor("proto3") as descriptor.IDescriptorProto;
  const fields = message.field ?? [];
  type.fieldsArray.forEach((field, i) => {
    const out = fields[i];
    if (out === undefined || out.name !== field.name) {
      throw new Error(`unexpected descriptor field order in ${file.fullName}`);
    }
    if (field.resolvedType !== null) {
      out.typeName = field.resolvedType.fullName;
    }
    out.jsonName = protocJsonName(field.name);
    // The .proto text sets no field options; protobufjs keeps `proto3_optional` here, which
    // protoc records only as `proto3Optional` (already set).
    delete out.options;
  });
  const proto = descriptor.FileDescriptorProto.fromObject({
    name: file.name,
    package: file.pkg,
    dependency: file.imports,
    messageType: [message],
    syntax: "proto3",
  });
  return descriptor.FileDescriptorProto.encode(proto).finish();
}

/** The files of a message's descriptor set: dependencies first (depth-first, imports in order). */
function descriptorFiles(files: Map<string, ProtoFile>, file: ProtoFile): string[] {
  const out: string[] = [];
  const visit = (f: ProtoFile): void => {
    if (out.includes(f.name)) {
      return;
    }
    for (const dep of f.imports) {
      const depFile = files.get(dep);
      if (depFile === undefined) {
        throw new Error(`${f.name} imports unknown ${dep}`);
      }
      visit(depFile);
    }
    out.push(f.name);
  };
  visit(file);
  return out;
}

const SCALAR: Record<string, { wire: number; write: string; packed?: string; empty: string }> = {
  double: { wire: 1, write: "double", packed: "doubles", empty: "v !== 0" },
  float: { wire: 5, write: "float", packed: "floats", empty: "v !== 0" },
  fixed32: { wire: 5, write: "fixed32", packed: "fixed32s", empty: "v !== 0" },
  sfixed32: { wire: 5, write: "sfixed32", packed: "sfixed32s", empty: "v !== 0" },
  int32: { wire: 0, write: "int32", packed: "int32s", empty: "v !== 0" },
  uint32: { wire: 0, write: "uint32", packed: "uint32s", empty: "v !== 0" },
  int64: { wire: 0, write: "int64", packed: "int64s", empty: "v !== 0" },
  bool: { wire: 0, write: "bool", packed: "bools", empty: "v === true" },
  string: { wire: 2, write: "string", empty: 'v !== ""' },
  bytes: { wire: 2, write: "bytes", empty: "v.length > 0" },
};

function encoderName(type: Type): string {
  return `encode${type.fullName.split(".").at(-1)}`;
}

/** `encode<Name>(m, w)` for one message type: one line per field, in field-number order. */
function encodeFunction(type: Type, tsType: string): string {
  const wellKnown = type.fullName.startsWith(".google.protobuf.");
  const lines = [...type.fieldsArray]
    .sort((a, b) => a.id - b.id)
    .map((field) => {
      const prop = wellKnown ? (WELL_KNOWN_PROPERTIES[field.name] ?? field.name) : field.name;
      return `  ${fieldLine(field, `m.${prop}`)}`;
    });
  return [
    `/** Writes a ${type.fullName.slice(1)} (without tag or length). */`,
    `export function ${encoderName(type)}(m: S.${tsType}, w: Writer): void {`,
    ...lines,
    `}`,
  ].join("\n");
}

function tag(field: Field, wire: number): number {
  return ((field.id << 3) | wire) >>> 0;
}

/** The statement writing one field held in `v` (a property access expression). */
function fieldLine(field: Field, v: string): string {
  const resolved = field.resolvedType;
  const optional = field.options?.proto3_optional === true;
  if (resolved instanceof protobuf.Type) {
    const write = (item: string): string =>
      `w.uint32(${tag(field, 2)}).fork(); ${encoderName(resolved)}(${item}, w); w.ldelim();`;
    return field.repeated
      ? `if (${v} != null) for (const item of ${v}) { ${write("item")} }`
      : `if (${v} != null) { ${write(v)} }`;
  }
  const scalar = SCALAR[resolved instanceof protobuf.Enum ? "int32" : field.type];
  if (scalar === undefined) {
    throw new Error(`unsupported field type ${field.type} of ${field.fullName}`);
  }
  if (field.repeated) {
    return scalar.packed !== undefined
      ? `if (${v} != null && ${v}.length > 0) w.uint32(${tag(field, 2)}).${scalar.packed}(${v});`
      : `if (${v} != null) for (const item of ${v}) w.uint32(${tag(field, scalar.wire)}).${scalar.write}(item);`;
  }
  const present = optional ? `${v} != null` : `${v} != null && ${scalar.empty.replace("v", v)}`;
  return `if (${present}) w.uint32(${tag(field, scalar.wire)}).${scalar.write}(${v});`;
}

const HEADER = (what: string): string =>
  [
    `// Generated by scripts/gen-messages.ts from @foxglove/schemas ${packageVersion("@foxglove/schemas")}`,
    `// with protobufjs ${packageVersion("protobufjs")}: ${what}. Do not edit; run`,
    `// \`node --import tsx scripts/gen-messages.ts\` instead.`,
    ``,
  ].join("\n");

function base64Lines(bytes: Uint8Array): string {
  return JSON.stringify(Buffer.from(bytes).toString("base64"));
}

/** Returns the generated files, keyed by path relative to the repository root. */
export function generateMessageSources(): Map<string, string> {
  const { root, files, messages } = compile();
  const out = new Map<string, string>();

  // descriptors.ts
  const fileNames = [...files.keys()].sort();
  const descriptorSource = [
    HEADER("serialized google.protobuf.FileDescriptorProto of each .proto file"),
    `/** Base64 of the serialized FileDescriptorProto of each .proto file, by file name. */`,
    `export const PROTO_FILES: Readonly<Record<string, string>> = {`,
    ...fileNames.map(
      (name) =>
        `  ${JSON.stringify(name)}: ${base64Lines(fileDescriptor(root, files.get(name)!))},`,
    ),
    `};`,
    ``,
  ].join("\n");
  out.set(`${OUT_DIR}/descriptors.ts`, descriptorSource);

  // protobufEncoders.ts
  const types = messages.map((m) => ({ type: root.lookupType(m.protoName), tsType: m.tsType }));
  const encodersSource = [
    HEADER("protobuf encode functions for each message"),
    `import type * as S from "@foxglove/schemas";`,
    `import type { Writer } from "protobufjs/minimal.js";`,
    ``,
    types.map(({ type, tsType }) => encodeFunction(type, tsType)).join("\n\n"),
    ``,
  ].join("\n");
  out.set(`${OUT_DIR}/protobufEncoders.ts`, encodersSource);

  // encoders.ts: the public surface
  const enumNames = Object.values(foxgloveEnumSchemas)
    .map((e) => e.name)
    .sort();
  const publicLines: string[] = [
    HEADER("the public encoders and types of foxglove-remote/messages"),
    `import type * as S from "@foxglove/schemas";`,
    `import * as J from "@foxglove/schemas/jsonschema.js";`,
    `import type { Encoder } from "../../core/Encoder.js";`,
    `import { jsonSchemaEncoder } from "../jsonSchemaEncoder.js";`,
    `import { protobufEncoder } from "../protobufEncoder.js";`,
    `import * as P from "./protobufEncoders.js";`,
    ``,
    `export { ${enumNames.join(", ")} } from "@foxglove/schemas";`,
  ];
  for (const m of messages) {
    const schema = (foxgloveMessageSchemas as Record<string, FoxgloveMessageSchema>)[m.schemaName]!;
    const summary = schema.description.trim().split("\n")[0]!.replace(/\*\//g, "*\\/");
    const depFiles = descriptorFiles(files, m.file);
    const hasBytes = typeHasBytes(root.lookupType(m.protoName));
    const typeName = m.schemaName;
    publicLines.push(
      ``,
      ...(typeName === m.tsType
        ? [`/** ${summary} */`, `export type ${typeName} = S.${m.tsType};`]
        : [
            `/** ${summary} (same as {@link S.${m.tsType}}) */`,
            `export type ${typeName} = S.${m.tsType};`,
          ]),
      `/** Protobuf encoder for {@link ${typeName}}: schema \`${m.protoName}\` (a FileDescriptorSet). */`,
      `export const ${typeName}: Encoder<${typeName}> = protobufEncoder(`,
      `  ${JSON.stringify(m.protoName)},`,
      `  ${JSON.stringify(depFiles)},`,
      `  P.encode${m.protoName.split(".").at(-1)},`,
      `);`,
      `/** JSON encoder for {@link ${typeName}}: schema \`${m.protoName.startsWith("google.") ? `foxglove.${typeName}` : m.protoName}\` (jsonschema)${hasBytes ? "; bytes as base64" : ""}. */`,
      `export const ${typeName}Json: Encoder<${typeName}> = jsonSchemaEncoder(J.${m.schemaName}, ${hasBytes});`,
    );
  }
  publicLines.push(``);
  out.set(`${OUT_DIR}/encoders.ts`, publicLines.join("\n"));
  return out;
}

function typeHasBytes(type: Type, seen = new Set<Type>()): boolean {
  if (seen.has(type)) {
    return false;
  }
  seen.add(type);
  return type.fieldsArray.some(
    (f) =>
      f.type === "bytes" ||
      (f.resolvedType instanceof protobuf.Type && typeHasBytes(f.resolvedType, seen)),
  );
}

/**
 * Writes generated files (keyed by path relative to the repository root) that differ from what is
 * on disk; with `--check` on the command line, only lists them and exits 1 when any is stale.
 */
export function writeGenerated(sources: Map<string, string>): void {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const [path, content] of sources) {
    const full = join(ROOT, path);
    let current: string | undefined;
    try {
      current = readFileSync(full, "utf8");
    } catch {
      current = undefined;
    }
    if (current === content) {
      continue;
    }
    stale++;
    if (check) {
      console.error(`out of date: ${path}`);
    } else {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
      console.log(`wrote ${path}`);
    }
  }
  if (check && stale > 0) {
    process.exit(1);
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeGenerated(generateMessageSources());
}
