import { processSuiteConfig } from '@revoke/testkit/vitest';

// Every file starts the whole fleet as processes.
export default processSuiteConfig('@revoke/security-tests', ['src/**/*.security.test.ts']);
