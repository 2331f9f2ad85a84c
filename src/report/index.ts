// Float-vs-int8 accuracy reports: measure (evaluate, compareCalibration), then render (HTML with
// inline SVG, Markdown, JSON).
export * from './metrics.js';
export type * from './types.js';
export { evaluate, featureMaps, preprocessInto, type EvaluateOptions } from './evaluate.js';
export { compareCalibration, floatPredictions, int8Predictions, DEFAULT_METHOD, METHODS, type CompareOptions } from './calibration-compare.js';
export { checkModelPair, checkDatasetFits } from './pair.js';
export { renderHtml } from './html.js';
export { renderMarkdown } from './markdown.js';
export { renderJson } from './json.js';
export { writeReportFiles, type ReportFiles } from './write.js';
export { barChart, groupedBarChart, heatmap, imageGrid } from './svg.js';
export { encodePng, pngDataUrl } from './png.js';
