/**
 * Typed errors. Every error the studio raises is a StudioError subclass with a stable `code`,
 * a message that says what to do, and optional structured `details`. Errors cross the worker
 * boundary as plain objects ({@link serializeError}) and are rebuilt into their class on the other
 * side ({@link rehydrateError}), so `instanceof` keeps working in the UI.
 */

export type ErrorDetails = Record<string, string | number | boolean | null>;

export class StudioError extends Error {
  /** Stable identifier, also used to rebuild the class after crossing a worker boundary. */
  readonly code: string = 'STUDIO_ERROR';
  readonly details: ErrorDetails;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

type ErrorClass = new (message: string, details?: ErrorDetails) => StudioError;
const registry = new Map<string, ErrorClass>();

/** Register a StudioError subclass so that it can be rebuilt from its code. */
export function registerError(code: string, cls: ErrorClass): void {
  registry.set(code, cls);
}

/** Define and register a typed error class in one step. */
export function defineError(code: string): ErrorClass {
  const cls = class extends StudioError {
    override readonly code = code;
  };
  registerError(code, cls);
  return cls;
}

registerError('STUDIO_ERROR', StudioError);

export class InvalidArgumentError extends StudioError {
  override readonly code = 'INVALID_ARGUMENT';
}
registerError('INVALID_ARGUMENT', InvalidArgumentError);

export class AbortedError extends StudioError {
  override readonly code = 'ABORTED';
  constructor(message = 'The operation was cancelled. Run the stage again to restart it.', details: ErrorDetails = {}) {
    super(message, details);
  }
}
registerError('ABORTED', AbortedError);

export interface SerializedError {
  code: string;
  name: string;
  message: string;
  details: ErrorDetails;
  stack?: string;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof StudioError) {
    return { code: err.code, name: err.name, message: err.message, details: err.details, stack: err.stack };
  }
  if (err instanceof Error) {
    if (err.name === 'AbortError') {
      return { code: 'ABORTED', name: 'AbortedError', message: new AbortedError().message, details: {} };
    }
    return { code: 'STUDIO_ERROR', name: err.name, message: err.message, details: {}, stack: err.stack };
  }
  return { code: 'STUDIO_ERROR', name: 'Error', message: String(err), details: {} };
}

/** Rebuild an error of the registered class for `code` (StudioError when unknown). */
export function rehydrateError(s: SerializedError): StudioError {
  const cls = registry.get(s.code) ?? StudioError;
  const err = new cls(s.message, s.details);
  if (s.stack) err.stack = s.stack;
  return err;
}

/** Throw AbortedError when the signal has fired. Call between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError();
}
