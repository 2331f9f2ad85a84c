// Opens a generated report in headless Chromium and checks the charts really render: every SVG has a
// non-zero bounding box, the expected number of bars/cells/images, and every inline PNG decodes.
// Saves a screenshot to build/report-test/ for a person to look at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderHtml } from '../../src/report/html.js';
import { syntheticReport } from './synthetic.js';
import { evaluate } from '../../src/report/evaluate.js';
import { readFloatModel } from '../../src/graph/io.js';
import { loadDataset } from '../../src/data/datasets.js';
import { readFileSync } from 'node:fs';
import { writeTinyFixture } from './tiny-model.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`skip: ${CHROMIUM} absent (install Debian chromium to run the report browser test)`);

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, 'build', 'report-test');

interface ChartInfo { kind: string; width: number; height: number; bars: number; cells: number; tiles: number }

describe.skipIf(!hasChromium)('report in headless Chromium', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let browser: any;
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders every chart with a real size and the expected marks', async () => {
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, 'synthetic.html');
    writeFileSync(file, renderHtml(syntheticReport()));
    const page = await browser.newPage({ javaScriptEnabled: false, viewport: { width: 1200, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    const charts: ChartInfo[] = await page.$$eval('svg.chart', (svgs: SVGSVGElement[]) =>
      svgs.map((s) => {
        const r = s.getBoundingClientRect();
        return {
          kind: s.getAttribute('data-chart') ?? '',
          width: r.width,
          height: r.height,
          bars: s.querySelectorAll('rect.bar').length,
          cells: s.querySelectorAll('rect.cell').length,
          tiles: s.querySelectorAll('image.tile').length,
        };
      }),
    );
    const kinds = charts.map((c) => c.kind);
    expect(kinds).toEqual(['flipped', 'grouped', 'heatmap', 'heatmap', 'bar', 'bar', 'input', 'featuremap', 'featuremap']);
    for (const c of charts) {
      expect(c.width).toBeGreaterThan(20);
      expect(c.height).toBeGreaterThan(10);
    }
    expect(charts[0].tiles).toBe(2); // two flipped images
    expect(charts[1].bars).toBe(8); // 4 classes x (float, int8)
    expect(charts[2].cells).toBe(16);
    expect(charts[4].bars).toBe(4); // SQNR layers
    expect(charts[7].tiles).toBe(4);
    // Bars have drawn geometry, not just elements: the SQNR bars are wider than 1px except none.
    const barWidths: number[] = await page.$$eval('svg[data-chart="bar"] rect.bar', (rs: SVGRectElement[]) => rs.map((r) => r.getBoundingClientRect().width));
    expect(barWidths.every((w) => w >= 1)).toBe(true);
    // Every inline PNG decodes: draw them into an offscreen check via naturalWidth is not available for
    // SVG <image>, so decode the same data URLs as HTML images.
    const hrefs: string[] = await page.$$eval('image.tile', (is: SVGImageElement[]) => is.map((i) => i.getAttribute('href') ?? ''));
    const check = await browser.newPage();
    await check.setContent(hrefs.map((h) => `<img src="${h}">`).join(''));
    const sizes: number[] = await check.$$eval('img', async (imgs: HTMLImageElement[]) => {
      await Promise.all(imgs.map((i) => i.decode().catch(() => undefined)));
      return imgs.map((i) => i.naturalWidth);
    });
    expect(sizes.length).toBe(hrefs.length);
    expect(sizes.every((w) => w > 0)).toBe(true);
    await page.screenshot({ path: join(outDir, 'synthetic.png'), fullPage: true });
    await check.close();
    await page.close();
  });

  it('renders a report measured on a real (tiny) int8 model', async () => {
    mkdirSync(outDir, { recursive: true });
    const fx = writeTinyFixture(join(outDir, 'tiny'));
    const data = loadDataset(fx.dataDir, 'test', { log: () => {} });
    const report = evaluate(readFloatModel(fx.floatPath), readFileSync(fx.int8Path), data, { progress: false });
    const file = join(outDir, 'tiny.html');
    writeFileSync(file, renderHtml(report));
    const page = await browser.newPage({ javaScriptEnabled: false, viewport: { width: 1200, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    const charts: ChartInfo[] = await page.$$eval('svg.chart', (svgs: SVGSVGElement[]) =>
      svgs.map((s) => {
        const r = s.getBoundingClientRect();
        return { kind: s.getAttribute('data-chart') ?? '', width: r.width, height: r.height, bars: s.querySelectorAll('rect.bar').length,
          cells: s.querySelectorAll('rect.cell').length, tiles: s.querySelectorAll('image.tile').length };
      }),
    );
    for (const c of charts) expect(c.width * c.height).toBeGreaterThan(200);
    const heatmaps = charts.filter((c) => c.kind === 'heatmap');
    expect(heatmaps.map((c) => c.cells)).toEqual([16, 16]);
    expect(charts.find((c) => c.kind === 'bar')?.bars).toBe(report.sqnr.layers.length);
    expect(charts.filter((c) => c.kind === 'featuremap').map((c) => c.tiles)).toEqual(report.featureMaps!.layers.map((l) => l.channels.length));
    await page.screenshot({ path: join(outDir, 'tiny.png'), fullPage: true });
    await page.close();
  });
});
