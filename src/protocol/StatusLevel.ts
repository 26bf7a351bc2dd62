/** Status severity (spec 5.2): 0 = info, 1 = warning, 2 = error. */
export type StatusLevel = 0 | 1 | 2;

/** Named status levels. */
export const StatusLevel = { Info: 0, Warning: 1, Error: 2 } as const;

/** The lower-case name of a status level (`"info"`, `"warning"`, `"error"`). */
export function statusLevelName(level: StatusLevel): "info" | "warning" | "error" {
  switch (level) {
    case 0:
      return "info";
    case 1:
      return "warning";
    case 2:
      return "error";
  }
}

/** True when `value` is a valid status level. */
export function isStatusLevel(value: unknown): value is StatusLevel {
  return value === 0 || value === 1 || value === 2;
}
