// The report as JSON for scripts and CI: the numbers only. Image pixels are dropped (they live in
// the HTML page); SQNR of an exact layer (+Infinity, which JSON cannot hold) is written as null with
// `exact: true` beside it.
import type { ReportData } from './types.js';

export function renderJson(d: ReportData): string {
  const plain = {
    ...d,
    flipped: { total: d.flipped.total, shown: d.flipped.shown.map(({ image: _image, ...rest }) => rest) },
    sqnr: {
      samples: d.sqnr.samples,
      layers: d.sqnr.layers.map((l) => ({ ...l, db: Number.isFinite(l.db) ? l.db : null, exact: l.db === Infinity })),
    },
    featureMaps: d.featureMaps && {
      sampleIndex: d.featureMaps.sampleIndex,
      label: d.featureMaps.label,
      floatPredicted: d.featureMaps.floatPredicted,
      layers: d.featureMaps.layers.map((l) => ({ name: l.name, op: l.op, shape: l.shape, channelCount: l.channelCount })),
    },
  };
  return `${JSON.stringify(plain, null, 2)}\n`;
}
