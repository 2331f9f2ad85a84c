// Half of the .tcm fuzz campaign (tcm-campaign.ts): the seeded multi-op model, every opcode.
import { defineTcmFuzz } from './tcm-campaign.js';

defineTcmFuzz('test/fuzz/tcm-multi-op.test.ts', [
  { prefix: 'multi-op 7', cases: 2500, hotShare: 0.8, guardShare: 0.5 },
  { prefix: 'multi-op 11', cases: 2500, hotShare: 0.8, guardShare: 0.5 },
]);
