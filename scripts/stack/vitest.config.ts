import { unitAndIntegrationConfig } from '@revoke/testkit/vitest';

// The test that starts the whole stack as separate processes ends in `.int.test.ts`: three apps each
// opening a fresh embedded PGlite take tens of seconds on a small machine.
export default unitAndIntegrationConfig('@revoke/stack', { testTimeout: 240_000, hookTimeout: 60_000 });
