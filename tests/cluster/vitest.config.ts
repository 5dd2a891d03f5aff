import { processSuiteConfig } from '@revoke/testkit/vitest';

// One private Redis Cluster and whole processes per file.
export default processSuiteConfig('@revoke/cluster-tests', ['src/**/*.int.test.ts']);
