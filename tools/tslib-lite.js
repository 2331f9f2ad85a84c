// The only TypeScript helper the runtime needs, for its ES5 build: `class TinyconvError extends
// Error` down-levelled. tslib's __extends (plus its other helpers' preamble) costs ~600 bytes and
// copies static members we do not have; the prototype chain is all we need (errors.ts also
// restores it with Object.setPrototypeOf where that exists). rollup.config.mjs points the
// TypeScript plugin's `tslib` option here. ES5 syntax only: it is bundled into tinyconv.es5.js.
export function __extends(d, b) {
  function F() { this.constructor = d; }
  F.prototype = b.prototype;
  d.prototype = new F();
}
