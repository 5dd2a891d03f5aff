import { describe, expect, it } from 'vitest';
import { IssuerPolicyError, resolveVerifierPolicy } from './issuer-policy.ts';

const issuer = { clockToleranceSec: 5, maxTokenLifetimeSec: 900 };

describe('resolveVerifierPolicy', () => {
  it("takes the auth app's values for what the service left unset", () => {
    expect(resolveVerifierPolicy({}, issuer)).toEqual(issuer);
    expect(resolveVerifierPolicy({ clockToleranceSec: 2 }, issuer)).toEqual({
      clockToleranceSec: 2,
      maxTokenLifetimeSec: 900,
    });
  });

  it('allows stricter settings and equal ones', () => {
    expect(resolveVerifierPolicy({ clockToleranceSec: 5, maxTokenLifetimeSec: 300 }, issuer)).toEqual({
      clockToleranceSec: 5,
      maxTokenLifetimeSec: 300,
    });
  });

  it.each([
    [{ clockToleranceSec: 6 }, /CLOCK_TOLERANCE_SEC=6 is larger than the auth app's 5/],
    [{ maxTokenLifetimeSec: 3600 }, /MAX_TOKEN_LIFETIME_SEC=3600 is larger than the auth app's 900/],
  ])('refuses %j, naming the setting', (own, message) => {
    expect(() => resolveVerifierPolicy(own, issuer)).toThrow(IssuerPolicyError);
    expect(() => resolveVerifierPolicy(own, issuer)).toThrow(message);
  });
});
