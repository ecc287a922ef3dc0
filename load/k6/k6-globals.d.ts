/**
 * Globals k6 provides that @types/k6 does not declare (it leaves them to a DOM lib we must not pull in: the
 * scripts would then type-check against browser APIs k6 lacks). Only what the scripts use.
 */
declare global {
  /** k6's console writes to its log; console.error logs at error level. */
  var console: {
    log(...data: unknown[]): void;
    warn(...data: unknown[]): void;
    error(...data: unknown[]): void;
  };
}
export {};
