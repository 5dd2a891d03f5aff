import { unitAndIntegrationConfig } from '@revoke/testkit/vitest';

// Unit tests sit beside the code; tests that need Postgres or Redis end in `.int.test.ts`.
export default unitAndIntegrationConfig('@revoke/activity', { hookTimeout: 60_000 });
