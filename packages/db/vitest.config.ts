import { unitAndIntegrationConfig } from '@revoke/testkit/vitest';

// Unit tests sit beside the code; tests that need a real Postgres end in `.int.test.ts`. Each
// integration file makes (and drops) its own database, so files may run in parallel.
export default unitAndIntegrationConfig('@revoke/db', { testTimeout: 60_000, hookTimeout: 60_000 });
