// One error type for everything a user can get wrong (bad model file, bad input, bad option).
// `code` is stable (tests and callers switch on it); the message names what is wrong and where:
// file, op index, tensor, byte offset.
//
// Runtime rule: kept ES5-friendly (the reader and runtime throw it on every engine).

export class TinyconvError extends Error {
  code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = 'TinyconvError';
    // Down-levelled ES5 classes lose the prototype chain of built-ins; restore it where possible.
    if (Object.setPrototypeOf) Object.setPrototypeOf(this, TinyconvError.prototype);
  }
}

export function isTinyconvError(e: unknown): e is TinyconvError {
  return !!e && typeof e === 'object' && (e as { name?: string }).name === 'TinyconvError' &&
    typeof (e as { code?: unknown }).code === 'string';
}
