// Bundle sizes against the runtime budget (16 KB raw, 6 KB gzip for dist/tinyconv.min.mjs with
// every kernel, as `npm run size` reports). Prints the figures; never measures time.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ES5_BUNDLE, ESM_BUNDLE, MIN_BUNDLE, ensureBundles } from './fixtures/bundles.js';

const BUDGET_RAW = 16384;
const BUDGET_GZIP = 6144;

function size(path: string): { raw: number; gzip: number } {
  const bytes = readFileSync(path);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

describe('bundle sizes', () => {
  beforeAll(ensureBundles);

  it('the minified ESM runtime fits the budget', () => {
    const min = size(MIN_BUNDLE);
    const es5 = size(ES5_BUNDLE);
    const esm = size(ESM_BUNDLE);
    console.log(`tinyconv.min.mjs ${min.raw} raw / ${min.gzip} gzip; tinyconv.es5.js ${es5.raw} / ${es5.gzip}; ` +
      `tinyconv.mjs ${esm.raw} / ${esm.gzip} (budget ${BUDGET_RAW} / ${BUDGET_GZIP})`);
    expect(min.raw).toBeLessThan(esm.raw); // it is minified
    expect(min.raw).toBeLessThanOrEqual(BUDGET_RAW);
    expect(min.gzip).toBeLessThanOrEqual(BUDGET_GZIP);
  });

  it('every kernel is in the bundle', () => {
    const esm = readFileSync(ESM_BUNDLE, 'utf8');
    for (const fn of ['conv2d', 'depthwiseConv2d', 'dense', 'maxPool', 'avgPool', 'globalAvgPool', 'add', 'mul', 'concat', 'reshape', 'pad', 'lut', 'softmax', 'requantize']) {
      expect(esm, fn).toMatch(new RegExp(`function ${fn}\\(`));
    }
  });
});
