// The ES5 code every exported file carries after the runtime bundle: decode the embedded model,
// load it once, and offer run() and classify(). It runs unchanged on Node, browsers, QuickJS,
// Duktape and Espruino, so it keeps to the runtime's rule (ES5, no Map/Set, no TypedArray
// fill/slice, no allocation per inference apart from classify's small result objects).

/** The model bytes as a base64 literal plus a decoder: `atob` is missing on Duktape, QuickJS and
 *  older Node, and a 30-line loop is smaller than a byte-array literal (4 chars per 3 bytes instead
 *  of about 3.6 per byte). On Espruino, when `espruino` is set, E.toArrayBuffer(atob(...)) makes
 *  one flat buffer natively and the loop is only the fallback. */
export function modelLoaderSource(base64: string, espruino: boolean): string {
  const native = espruino
    ? `  if (typeof E !== 'undefined' && typeof E.toArrayBuffer === 'function' && typeof atob === 'function') {
    return new Uint8Array(E.toArrayBuffer(atob(MODEL_BASE64)));
  }
`
    : '';
  return `var MODEL_BASE64 = '${base64}';

function decodeBase64(s) {
  var alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  var codes = new Uint8Array(128);
  for (var i = 0; i < 64; i++) codes[alphabet.charCodeAt(i)] = i;
  var end = s.length;
  while (end > 0 && s.charAt(end - 1) === '=') end--;
  var out = new Uint8Array((end * 3) >> 2);
  var o = 0, bits = 0, acc = 0;
  for (var j = 0; j < end; j++) {
    acc = (acc << 6) | codes[s.charCodeAt(j) & 127];
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
      acc &= (1 << bits) - 1;
    }
  }
  return out;
}

function modelBytes() {
${native}  return decodeBase64(MODEL_BASE64);
}
`;
}

/** run(), classify() and topClasses() over the global `tinyconv` and the loaded `model`. */
export const CLASSIFY_SOURCE = `var model = tinyconv.loadModel(modelBytes());
var probabilities = new Float32Array(model.output.length);
var outputIsSoftmax = model.spec.ops[model.spec.ops.length - 1].type === tinyconv.OP_SOFTMAX;

/** Runs the model once; input is what model.setInput takes: raw 0-255 pixels as a Uint8Array /
 *  Uint8ClampedArray, or preprocessed real values. Without input it runs on what model.input holds:
 *  set it first, since the arena reuses the input's bytes for later activations during a run.
 *  Returns the int8 output view. */
function run(input) {
  if (input !== undefined) model.setInput(input);
  model.run();
  return model.output;
}

/** The topK (default 3) classes as [{ index, label, probability }], most probable first; a model
 *  without a final softmax gets one here, in float. Ties go to the lower class index. */
function classify(input, topK) {
  run(input);
  model.readOutput(probabilities);
  if (!outputIsSoftmax) softmaxInPlace(probabilities);
  return topClasses(probabilities, topK === undefined ? 3 : topK);
}

function softmaxInPlace(p) {
  var max = p[0], sum = 0, i;
  for (i = 1; i < p.length; i++) if (p[i] > max) max = p[i];
  for (i = 0; i < p.length; i++) { p[i] = Math.exp(p[i] - max); sum += p[i]; }
  for (i = 0; i < p.length; i++) p[i] = p[i] / sum;
}

function topClasses(p, k) {
  var picked = [], out = [], i, r;
  if (k > p.length) k = p.length;
  for (r = 0; r < k; r++) {
    var best = -1;
    for (i = 0; i < p.length; i++) {
      if (picked.indexOf(i) < 0 && (best < 0 || p[i] > p[best])) best = i;
    }
    picked.push(best);
  }
  for (r = 0; r < picked.length; r++) {
    i = picked[r];
    out.push({ index: i, label: model.labels[i] || String(i), probability: p[i] });
  }
  return out;
}

/** One line per class: "Sneaker 91.4%". */
function formatTop(top) {
  var lines = [];
  for (var i = 0; i < top.length; i++) lines.push(top[i].label + ' ' + (100 * top[i].probability).toFixed(1) + '%');
  return lines.join('\\n');
}
`;

/** The names every target exposes (browser global object, ESM exports, CommonJS exports). */
export const API_NAMES = ['classify', 'run', 'model', 'tinyconv', 'topClasses', 'formatTop'];

export function apiObjectSource(): string {
  return `{ ${API_NAMES.map((n) => `${n}: ${n}`).join(', ')} }`;
}
