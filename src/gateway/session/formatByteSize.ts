const UNITS = ["KiB", "MiB", "GiB", "TiB"] as const;

/**
 * A byte count in binary units with at most two decimals and trailing zeros trimmed:
 * `512 bytes`, `1.17 KiB` (1200), `1.5 KiB`, `100 KiB`, `2 MiB`.
 */
export function formatByteSize(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} bytes`;
  }
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(2))} ${UNITS[unit]}`;
}
