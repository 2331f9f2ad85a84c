// What each export target wraps around the runtime bundle and the model: how the API leaves the
// file (IIFE global, ESM exports, CommonJS exports, Espruino globals) and the few extras each
// platform wants (a fetch handler for workers, a command line for Node, print and E.convolve on
// Espruino).
import { apiObjectSource } from './wrapper.js';

export const TARGETS = ['esm', 'browser', 'espruino', 'node'] as const;
export type ExportTarget = (typeof TARGETS)[number];

export interface TargetParts {
  /** Code before the runtime bundle. */
  prologue: string;
  /** Code after the model loader and classify(). */
  epilogue: string;
}

/** ESM (browsers' <script type=module>, Deno, Node, Cloudflare-Workers-style runtimes): named exports
 *  plus a default export with a fetch(request) handler. GET answers with the model's description,
 *  POST takes the input's raw pixel bytes (e.g. 784 for 28x28x1) and answers with the top classes. */
function esm(): TargetParts {
  return {
    prologue: '',
    epilogue: `
function jsonResponse(body, status) {
  return new Response(JSON.stringify(body), { status: status || 200, headers: { 'content-type': 'application/json' } });
}

/** fetch(request) for edge workers: GET -> model info, POST raw pixels -> { top, ms }. */
function handleRequest(request) {
  if (request.method === 'GET') {
    return Promise.resolve(jsonResponse({ name: model.name, inputShape: model.inputShape, labels: model.labels,
      modelBytes: model.modelBytes, arenaBytes: model.arenaBytes }));
  }
  if (request.method !== 'POST') return Promise.resolve(jsonResponse({ error: 'use GET or POST' }, 405));
  return request.arrayBuffer().then(function (body) {
    var pixels = new Uint8Array(body);
    if (pixels.length !== model.input.length) {
      return jsonResponse({ error: 'POST ' + model.input.length + ' raw pixel bytes (input ' + model.inputShape.join('x') + '), got ' + pixels.length }, 400);
    }
    var start = Date.now();
    var top = classify(pixels);
    return jsonResponse({ top: top, ms: Date.now() - start });
  });
}

export { classify, run, model, tinyconv, topClasses, formatTop, handleRequest };
export default { fetch: handleRequest };
`,
  };
}

/** A classic script: everything inside one function, the API on one global (window/self/this). */
function browser(globalName: string): TargetParts {
  return {
    prologue: '(function (root) {\n',
    epilogue: `
root[${JSON.stringify(globalName)}] = ${apiObjectSource()};
})(typeof self !== 'undefined' ? self : this);
`,
  };
}

/** CommonJS: require() it, or run `node file.cjs image.pgm ...` to print the top classes. */
function node(): TargetParts {
  return {
    prologue: '',
    epilogue: `
module.exports = ${apiObjectSource()};

/** A binary PGM (P5, 8-bit) image's pixels, or the file itself when it is exactly input-sized. */
function readPixels(bytes, file) {
  if (bytes[0] === 0x50 && bytes[1] === 0x35) {
    var text = '', fields = [], i = 2;
    while (fields.length < 3 && i < bytes.length) {
      var c = String.fromCharCode(bytes[i++]);
      if (c === '#') { while (i < bytes.length && bytes[i] !== 10) i++; continue; }
      if (/\\s/.test(c)) { if (text) { fields.push(Number(text)); text = ''; } } else text += c;
    }
    if (fields[2] > 255) throw new Error(file + ': only 8-bit PGM images are read');
    var pixels = new Uint8Array(bytes.buffer, bytes.byteOffset + i, bytes.length - i);
    if (pixels.length !== model.input.length) throw new Error(file + ': ' + fields[0] + 'x' + fields[1] + ' image, the model takes ' + model.inputShape.join('x'));
    return pixels;
  }
  if (bytes.length !== model.input.length) throw new Error(file + ': ' + bytes.length + ' bytes, expected a PGM image or ' + model.input.length + ' raw pixel bytes');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  var files = process.argv.slice(2);
  if (!files.length) {
    console.log('usage: node ' + require('path').basename(process.argv[1]) + ' <image.pgm | raw pixels> ...');
    process.exitCode = 2;
  }
  for (var f = 0; f < files.length; f++) {
    console.log(files[f] + ':\\n' + formatTop(classify(readPixels(require('fs').readFileSync(files[f]), files[f]))));
  }
}
`,
  };
}

/** Espruino: plain globals (the board's REPL calls classify/classifyAndPrint) and output through
 *  print. E.convolve needs nothing here: the fast runtime (--runtime fast) finds it at load time
 *  and hands it the pointwise and dense dot products. */
function espruino(): TargetParts {
  return {
    prologue: '',
    epilogue: `
// The model now lives in one flat buffer (model.spec views into it); let the base64 text go.
MODEL_BASE64 = '';
var log = typeof print === 'function' ? print : function (s) { console.log(s); };

/** classify(input) and print the top classes, one per line. */
function classifyAndPrint(input) {
  var top = classify(input);
  log(formatTop(top));
  return top;
}

log('tinyconv: ' + (model.name || 'model') + ' loaded, model ' + model.modelBytes + ' bytes, arena ' + model.arenaBytes + ' bytes');
`,
  };
}

export function targetParts(target: ExportTarget, globalName: string): TargetParts {
  switch (target) {
    case 'esm': return esm();
    case 'browser': return browser(globalName);
    case 'node': return node();
    case 'espruino': return espruino();
  }
}
