// src/data: datasets on disk -> uint8 NHWC images in memory, plus the helpers a trainer needs.
export * from './idx.js';
export * from './datasets.js';
export * from './random.js';
export * from './split.js';
export * from './normalize.js';
export * from './augment.js';
export * from './resize.js';
