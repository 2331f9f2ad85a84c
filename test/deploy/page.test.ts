// The browser example end to end: build examples/browser's assets (tools/build-examples.ts, what
// `npm run build` runs) into a copy of the folder, serve
// it on localhost, open it in headless Chromium, click three test images and check the page shows
// the Node runtime's output bytes and top classes for each; the page payload stays under 50 KB.
// A screenshot goes to build/deploy-test/page.png.
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/runtime/index.js';
import { pagePayload, PAGE_BUDGET_BYTES, PAGE_FILES } from '../../src/deploy/page-assets.js';
import { buildBrowserExample, pickSamples, SAMPLE_CLASSES } from '../../tools/build-examples.js';
import { ensureBundles } from '../runtime/fixtures/bundles.js';
import { HAS_CHROMIUM, CHROMIUM, launchChromium, serveDirectory, type Browser, type StaticServer } from './fixtures/browser.js';
import { BUILD_DIR, ROOT, scratchDir, testSet } from './fixtures/models.js';

if (!HAS_CHROMIUM) console.log(`skip: browser page test, ${CHROMIUM} is absent (Debian package chromium)`);

/** Node's answer for one image: the int8 output bytes and the top-3 class indices (ties to the lower index). */
function nodeAnswer(tcm: Uint8Array, pixels: Uint8Array): { output: string; top: number[] } {
  const model = loadModel(tcm);
  model.setInput(pixels);
  model.run();
  const p = Array.from(model.readOutput());
  const top: number[] = [];
  for (let r = 0; r < 3; r++) {
    let best = -1;
    for (let i = 0; i < p.length; i++) if (!top.includes(i) && (best < 0 || p[i] > p[best])) best = i;
    top.push(best);
  }
  return { output: Array.from(model.output).join(','), top };
}

describe('browser example page', () => {
  const samples = pickSamples(testSet(), SAMPLE_CLASSES);
  let tcm = new Uint8Array(0);
  let modelSource = '';
  let pageDir = '';
  let server: StaticServer | undefined;
  let browser: Browser;

  beforeAll(async () => {
    await ensureBundles();
    pageDir = scratchDir('page');
    for (const f of ['index.html', 'app.js']) copyFileSync(join(ROOT, 'examples', 'browser', f), join(pageDir, f));
    modelSource = (await buildBrowserExample(pageDir)).modelSource;
    tcm = new Uint8Array(readFileSync(join(pageDir, 'model.tcm')));
    if (HAS_CHROMIUM) {
      server = await serveDirectory(pageDir);
      browser = await launchChromium();
    }
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (pageDir) rmSync(pageDir, { recursive: true, force: true });
  });

  it('the payload (HTML + JS + model + samples) is under 50 KB', () => {
    const payload = pagePayload(pageDir);
    console.log(`page payload: ${payload.files.map((f) => `${f.file} ${f.bytes}`).join(', ')}; total ${payload.total} bytes (model: ${modelSource})`);
    expect(payload.missing).toEqual([]);
    expect(payload.total).toBeLessThanOrEqual(PAGE_BUDGET_BYTES);
  });

  it.skipIf(!HAS_CHROMIUM)('classifies three test images like the Node runtime', async () => {
    const page = await browser.newPage({ viewport: { width: 820, height: 560 } });
    const errors: string[] = [];
    page.on('pageerror', (e: Error) => errors.push(e.message));
    await page.goto(server!.url);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
    expect(await page.$$eval('#samples button', (b: Element[]) => b.length)).toBe(samples.count);
    const size = 28 * 28;
    for (const k of [0, 3, 5]) {
      await page.click(`#samples button[data-sample="${k}"]`);
      await page.waitForFunction((n: number) => document.querySelectorAll('#top li').length === n, 3, { timeout: 5_000 });
      const shown = await page.$eval('#top', (ol: Element) => ({
        output: ol.getAttribute('data-output'),
        top: Array.from(ol.querySelectorAll('li')).map((li) => Number(li.getAttribute('data-index'))),
        labels: Array.from(ol.querySelectorAll('li')).map((li) => li.textContent),
      }));
      const expected = nodeAnswer(tcm, samples.images.subarray(k * size, (k + 1) * size));
      console.log(`sample ${k} (true ${testSet().classes[samples.labels[k]]}): page shows ${shown.labels.join(' | ')}`);
      expect(shown.output).toBe(expected.output);
      expect(shown.top).toEqual(expected.top);
      expect(await page.textContent('#time')).toMatch(/ms per inference/);
    }
    await page.screenshot({ path: join(BUILD_DIR, 'page.png') });
    // Drawing: a stroke on the pad is averaged down to 28x28 and classified; the page's output bytes
    // equal Node's on the same downsampled pixels (read back from the canvas, averaged here).
    const box = await page.$eval('#pad', (c: Element) => { const r = c.getBoundingClientRect(); return { x: r.left, y: r.top }; });
    await page.click('#clear');
    await page.mouse.move(box.x + 60, box.y + 40);
    await page.mouse.down();
    for (const [x, y] of [[140, 120], [220, 60], [200, 240], [80, 230]]) await page.mouse.move(box.x + x, box.y + y, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction(() => (document.getElementById('time')?.textContent ?? '').startsWith('drawing'), null, { timeout: 5_000 });
    const rgba: number[] = await page.$eval('#pad', (c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(0, 0, 280, 280).data));
    const drawn = new Uint8Array(size);
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        let sum = 0;
        for (let dy = 0; dy < 10; dy++) for (let dx = 0; dx < 10; dx++) sum += rgba[4 * ((y * 10 + dy) * 280 + x * 10 + dx)];
        drawn[y * 28 + x] = Math.round(sum / 100);
      }
    }
    expect(drawn.filter((v) => v > 0).length, 'the stroke covers part of the pad').toBeGreaterThan(40);
    expect(await page.$eval('#top', (ol: Element) => ol.getAttribute('data-output'))).toBe(nodeAnswer(tcm, drawn).output);
    await page.screenshot({ path: join(BUILD_DIR, 'page-drawing.png') });
    // Every file the page loaded is one of the payload files (nothing from outside the folder).
    const loaded = [...new Set(server!.requested)].map((p) => (p === '/' ? 'index.html' : p.slice(1))).filter((p) => p !== 'favicon.ico');
    expect(loaded.every((p) => PAGE_FILES.includes(p)), `loaded ${loaded}`).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
