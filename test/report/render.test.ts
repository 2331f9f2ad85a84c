import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderJson } from '../../src/report/json.js';
import { syntheticReport } from './synthetic.js';
import { checkWellFormed } from './xml-check.js';

describe('report renderers on synthetic numbers', () => {
  const data = syntheticReport();

  it('HTML: self-contained, no script, every SVG well-formed, all sections present', () => {
    const html = renderHtml(data);
    expect(html).not.toMatch(/<script|<link |src="http|href="http/);
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    // flipped, per-class, 2 confusion, sqnr, calibration, input, 2 feature-map layers
    expect(svgs.length).toBe(9);
    for (const s of svgs) expect(checkWellFormed(s)).toBeNull();
    for (const id of ['summary', 'accuracy', 'per-class', 'confusion', 'sqnr', 'calibration', 'size', 'feature-maps']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('synthetic &lt;test&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain('first 4 of 6 channels');
    // 12 images, 11 float hits and 9 int8 hits, with their Wilson intervals
    expect(html).toContain('91.67% (95% CI 64.6–98.5)');
    expect(html).toContain('75.00% (95% CI 46.8–91.1)');
  });

  it('Markdown: the same numbers as tables', () => {
    const md = renderMarkdown(data, 'm.html');
    expect(md).toContain('| float | 11 | 12 | 91.67% (95% CI 64.6–98.5) |');
    expect(md).toContain('| int8 | 9 | 12 | 75.00% (95% CI 46.8–91.1) |');
    expect(md).toContain('# tinyconv report: synthetic &lt;test&gt;');
    expect(md).toContain('| relu2 | conv2 | conv2d+relu | 12.3 dB |');
    expect(renderHtml(data)).toContain('conv2→relu2 (conv2d+relu)');
    expect(md).toContain('| pool1 | pool1 | maxPool | exact |');
    expect(md).toContain('T-shirt/top');
    expect(md).toContain('[m.html](m.html)');
    expect(md).toContain('| **total** |  |  | **4,321** | **98,765** |');
  });

  it('JSON: parseable, pixels dropped, exact SQNR as null + exact', () => {
    const j = JSON.parse(renderJson(data));
    expect(j.accuracy.float.correct).toBe(11);
    expect(j.flipped.shown[0].image).toBeUndefined();
    expect(j.flipped.total).toBe(2);
    expect(j.sqnr.layers[1]).toEqual({ tensor: 'pool1', layer: 'pool1', op: 'maxPool', db: null, exact: true });
    expect(j.featureMaps.layers[1]).toEqual({ name: 'pool1', op: 'maxPool', shape: [4, 4, 4], channelCount: 6 });
  });
});
