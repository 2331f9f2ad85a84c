// Half of the .tcm fuzz campaign (tcm-campaign.ts): a quantized zoo MobileNetV3-small and TFLM's
// hello_world and person_detect imported through src/tflite (skipped with a message when absent).
import { defineTcmFuzz } from './tcm-campaign.js';

defineTcmFuzz('test/fuzz/tcm-zoo-tflm.test.ts', [
  { prefix: 'zoo', cases: 1800, hotShare: 0.8, guardShare: 0.25 },
  { prefix: 'hello', cases: 3050, hotShare: 0.8, guardShare: 1 },
  { prefix: 'person', cases: 150, hotShare: 1, guardShare: 0 },
]);
