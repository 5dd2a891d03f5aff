import { unitAndIntegrationConfig } from '@revoke/testkit/vitest';

// Unit tests sit beside the code; tests that need a real Redis end in `.int.test.ts`.
export default unitAndIntegrationConfig('@revoke/service');
