import type { ViteUserConfig } from 'vitest/config';

export function reporters(packageName: string): (string | [string, Record<string, unknown>])[];

export interface UnitAndIntegrationOptions {
  /** Unit test files (default `src/**\/*.test.ts`). */
  unitInclude?: string[];
  /** Never run as unit tests (default the integration files). */
  unitExclude?: string[];
  /** Integration test files (default `src/**\/*.int.test.ts`). */
  include?: string[];
  /** Integration files that start processes or share a private server run one at a time. */
  oneFileAtATime?: boolean;
  testTimeout?: number;
  hookTimeout?: number;
}

export function unitAndIntegrationConfig(
  packageName: string,
  options?: UnitAndIntegrationOptions,
): ViteUserConfig;

export function processSuiteConfig(packageName: string, include: string[]): ViteUserConfig;
