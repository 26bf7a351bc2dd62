/** Our log level for a LiveKit native log record level (0 error, 1 warn, 2 info, 3 debug, 4 trace). */
export function ffiLogLevel(level: number | undefined): "error" | "warn" | "info" | "debug" {
  switch (level) {
    case 0:
      return "error";
    case 1:
      return "warn";
    case 2:
      return "info";
    case undefined:
    default:
      return "debug";
  }
}
