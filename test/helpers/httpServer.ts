import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the test server saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A real loopback HTTP server whose handler a test sets; records every request. */
export interface TestHttpServer extends AsyncDisposable {
  readonly url: string;
  readonly requests: SeenRequest[];
  handler: (req: SeenRequest, res: ServerResponse) => void;
  /** Resolves with the next request that arrives (or the first one not yet awaited). */
  nextRequest(timeoutMs?: number): Promise<SeenRequest>;
  /** Resolves once `check()` is true; re-checked after every request. */
  until(check: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 with a free port. */
export async function startTestHttpServer(): Promise<TestHttpServer> {
  const requests: SeenRequest[] = [];
  const waiting: ((r: SeenRequest) => void)[] = [];
  const checks = new Set<() => void>();
  let delivered = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const seen: SeenRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(seen);
      const w = waiting.shift();
      if (w !== undefined) {
        delivered++;
        w(seen);
      }
      checks.forEach((c) => c());
      try {
        api.handler(seen, res);
      } catch (e) {
        res.statusCode = 500;
        res.end(String(e));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const api: TestHttpServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    handler: (_req, res) => {
      res.statusCode = 404;
      res.end();
    },
    nextRequest(timeoutMs = 5000) {
      if (delivered < requests.length) {
        return Promise.resolve(requests[delivered++]!);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no request arrived")), timeoutMs);
        waiting.push((r) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
    },
    until(check, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const run = () => {
          if (check()) {
            clearTimeout(timer);
            checks.delete(run);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          checks.delete(run);
          reject(new Error("condition not met in time"));
        }, timeoutMs);
        checks.add(run);
        run();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async [Symbol.asyncDispose]() {
      await api.close();
    },
  };
  return api;
}
