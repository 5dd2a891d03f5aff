import { unitAndIntegrationConfig } from '@revoke/testkit/vitest';

// Unit tests sit beside the code; the browser end-to-end tests (a whole stack and Chromium) run one
// file at a time.
export default unitAndIntegrationConfig('@revoke/web', {
  include: ['e2e/**/*.int.test.ts'],
  oneFileAtATime: true,
  testTimeout: 120_000,
  hookTimeout: 180_000,
});
