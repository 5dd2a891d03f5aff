import { processSuiteConfig } from '@revoke/testkit/vitest';

// Packs @revoke/auth, installs it from the npm registry's dependencies outside the workspace, starts servers.
export default processSuiteConfig('@revoke/package-tests', ['src/**/*.package.test.ts']);
