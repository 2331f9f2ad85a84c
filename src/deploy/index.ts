// Deploying an int8 model: one JavaScript file per target (export.ts), the Espruino memory estimate
// (espruino-memory.ts) and the browser example's assets (page-assets.ts).
export { exportModel, isExportTarget, type ExportOptions, type ExportResult } from './export.js';
export { TARGETS, type ExportTarget } from './targets.js';
export { estimateEspruinoMemory, espruinoMemoryOf, formatEspruinoMemory, ESPRUINO_BOARDS, type EspruinoMemory, type EspruinoBoard } from './espruino-memory.js';
export { readRuntimeBundle, runtimeBundlePath, hasRuntimeBundle, packageRoot, RUNTIME_BUNDLES, type RuntimeFlavor } from './runtime-bundle.js';
