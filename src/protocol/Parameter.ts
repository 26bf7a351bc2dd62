/**
 * Parameter types (spec 3.5).
 *
 * Integer/float rules used by this SDK's encoder: a `bigint` (within signed 64 bits) or an
 * integral `number` within ±(2^53 − 1) is an integer; any other `number` is a float64 (the `float64` / `float64_array` type hint is set
 * automatically); `type: "float64"` (or `"float64_array"`) forces floats for whole values; a
 * `Uint8Array` travels as standard base64 with `type: "byte_array"`. Below the top level (inside
 * arrays and dictionaries) no hint exists, so a whole-valued float there reads back as an integer.
 */

/** The wire type hint of a parameter, for values whose type JSON alone cannot express. */
export type ParameterType = "byte_array" | "float64" | "float64_array";

/**
 * A parameter value. Decoded integers are `number` when within ±(2^53 − 1), otherwise `bigint`
 * (always within signed 64 bits). Byte arrays are `Uint8Array`. There is no `null`.
 */
export type ParameterValue =
  | number
  | bigint
  | boolean
  | string
  | Uint8Array
  | ParameterValue[]
  | { [key: string]: ParameterValue };

/** One parameter, as carried by `parameterValues` and `setParameters`. */
export interface Parameter {
  /** Parameter name. */
  name: string;
  /** Type hint; see the module rules above. Decoding sets it for float and byte-array values. */
  type?: ParameterType;
  /** The value; absent means unset (in `setParameters`: delete the parameter). */
  value?: ParameterValue;
}
