import { unitAndIntegrationConfig } from '@revoke/testkit/vitest';

// Unit tests only: the contract is data and schemas.
export default unitAndIntegrationConfig('@revoke/contract');
