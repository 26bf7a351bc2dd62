import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiProblem } from "./ApiProblem.js";

/** The largest request body the API server reads, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Sends `body` as JSON with `status`, unless a response was already started. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) {
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  res.end(text);
}

/** Sends `{ error, message }` with `status`. */
export function sendProblem(res: ServerResponse, problem: ApiProblem): void {
  sendJson(res, problem.status, { error: problem.error, message: problem.message });
}

/**
 * Reads the request body up to {@link MAX_BODY_BYTES}.
 *
 * @throws ApiProblem 413 `body_too_large` past the limit (the connection is then closed).
 */
export function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        cleanup();
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(new Uint8Array(Buffer.concat(chunks)));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(
        new ApiProblem(400, "bad_request", "the request body could not be read", { cause: error }),
      );
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

function tooLarge(): ApiProblem {
  return new ApiProblem(413, "body_too_large", `the request body exceeds ${MAX_BODY_BYTES} bytes`);
}

/**
 * Parses a JSON request body.
 *
 * @throws ApiProblem 400 `bad_json` when it is empty or not valid UTF-8 JSON.
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new ApiProblem(400, "bad_json", "the request body is not valid JSON");
  }
}

/** Splits an `Authorization` header into scheme and credential; undefined if malformed. */
export function parseAuthorization(
  value: string | undefined,
): { scheme: string; credential: string } | undefined {
  const match = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s+(\S+)\s*$/.exec(value ?? "");
  return match?.[1] !== undefined && match[2] !== undefined
    ? { scheme: match[1], credential: match[2] }
    : undefined;
}
