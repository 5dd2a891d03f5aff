import { processSuiteConfig } from '@revoke/testkit/vitest';

// Every file starts whole processes.
export default processSuiteConfig('@revoke/e2e', ['src/**/*.int.test.ts']);
