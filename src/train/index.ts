// src/train: layers with explicit backward passes, optimisers, the trainer and the model zoo.
export { trainModel, evaluate, checkpointPath, type TrainOptions, type TrainProgress, type TrainResult } from './trainer.js';
export { Model, INPUT, type ModelNode } from './model.js';
export { buildModel, MODEL_NAMES, ZOO, type ZooEntry } from './zoo/index.js';
export * from './zoo/index.js';
export { Builder, type Activation } from './zoo/builder.js';
export { createOptimizer, OPTIMIZERS, type Optimizer, type OptimizerName, type OptimizerOptions } from './optimizers.js';
export { learningRate, SCHEDULES, type ScheduleName, type ScheduleOptions } from './schedule.js';
export { softmaxCrossEntropy, nllLoss, type LossResult } from './losses.js';
export { SoloEngine, type StepEngine } from './engine.js';
export { ParallelEngine } from './parallel.js';
export { readCheckpoint, writeCheckpoint, type Checkpoint, type EpochRecord } from './checkpoint.js';
export type { Layer, Context, Collective } from './layer.js';
export { Conv2d, type Conv2dOptions } from './layers/conv2d.js';
export { BatchNorm, type BatchNormOptions } from './layers/batchnorm.js';
export { Relu, Relu6, LeakyRelu, PRelu, Sigmoid, Tanh, HardSwish, HardSigmoid } from './layers/activations.js';
export { MaxPool, AvgPool, GlobalAvgPool, type PoolOptions } from './layers/pool.js';
export { Dense, type DenseOptions } from './layers/dense.js';
export { Flatten, Dropout, Add, Mul, Concat, LogSoftmax } from './layers/shape-ops.js';
