import { FoxgloveError } from "../core/FoxgloveError.js";

/**
 * An error the API server answers as HTTP `status` with JSON `{ error, message }`. Also thrown by
 * the server's control methods (code `ERR_API`).
 */
export class ApiProblem extends FoxgloveError {
  /** The HTTP status to answer. */
  readonly status: number;
  /** A short machine-readable name, e.g. `device_offline`. */
  readonly error: string;

  constructor(status: number, error: string, message: string, options?: ErrorOptions) {
    super("ERR_API", message, options);
    this.name = "ApiProblem";
    this.status = status;
    this.error = error;
  }
}
