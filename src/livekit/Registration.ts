/** A registration that ends with `dispose()` (or `using`). Disposing twice is harmless. */
export interface Registration extends Disposable {
  dispose(): void;
}

/** Wraps `dispose` so it runs at most once. */
export function registration(dispose: () => void): Registration {
  let done = false;
  const once = () => {
    if (!done) {
      done = true;
      dispose();
    }
  };
  return { dispose: once, [Symbol.dispose]: once };
}
