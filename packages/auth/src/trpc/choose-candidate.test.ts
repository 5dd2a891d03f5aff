import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors.ts';
import { chooseCandidate } from './credentials.ts';

/** Accepts tokens starting with "ours", with the token's tail as its user. */
const check = async (token: string) => {
  if (!token.startsWith('ours')) throw new AuthError('TOKEN_INVALID', { message: `not ours: ${token}` });
  return { sub: token.slice(4) };
};

describe('chooseCandidate (a repeated cookie)', () => {
  it('keeps the one value that is ours, wherever it stands: a planted value cannot lock the user out', async () => {
    expect(await chooseCandidate(['planted', 'ours-alice'], check)).toEqual({
      token: 'ours-alice',
      result: { sub: '-alice' },
    });
    expect(await chooseCandidate(['ours-alice', 'junk', 'x.y.z'], check)).toMatchObject({
      token: 'ours-alice',
    });
  });

  it('refuses several values that are ours, never picking one (a planted valid token of someone else)', async () => {
    await expect(chooseCandidate(['ours-mallory', 'ours-alice'], check)).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
      message: 'Ambiguous credentials: repeated cookie',
    });
    await expect(chooseCandidate(['ours-alice', 'ours-alice'], check)).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
  });

  it('with none of ours, fails as the first value did', async () => {
    await expect(chooseCandidate(['first', 'second'], check)).rejects.toThrow('not ours: first');
  });
});
