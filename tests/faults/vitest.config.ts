import { unitAndIntegrationConfig } from '@revoke/testkit/vitest';

// Unit tests of the checker beside it; fault and soak tests start whole processes (one file at a time).
export default unitAndIntegrationConfig('@revoke/fault-tests', {
  unitExclude: ['src/**/*.fault.test.ts', 'src/**/*.soak.test.ts'],
  include: ['src/**/*.fault.test.ts', 'src/**/*.soak.test.ts'],
  oneFileAtATime: true,
  testTimeout: 300_000,
  hookTimeout: 180_000,
});
