import { MIN_PASSWORD_LENGTH } from '@revoke/contract';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CredentialsForm } from './credentials-form.tsx';

// A `.ts` file (the unit project runs `*.test.ts`), hence createElement instead of JSX.
function markup(newAccount: boolean): string {
  return renderToStaticMarkup(
    createElement(CredentialsForm, { newAccount, busy: false, submitLabel: 'Go', onSubmit: () => {} }),
  );
}

/** The attributes of the input labelled `label`, found through the label's `for`. */
function inputLabelled(html: string, label: string): string {
  const id = new RegExp(`<label for="([^"]+)">${label}</label>`).exec(html)?.[1];
  expect(id, `a label "${label}"`).toBeDefined();
  const input = new RegExp(`<input[^>]*id="${id}"[^>]*/?>`).exec(html)?.[0];
  expect(input, `an input for "${label}"`).toBeDefined();
  return input ?? '';
}

describe('CredentialsForm', () => {
  it('asks a returning user for the saved e-mail and password, with no minimum', () => {
    const html = markup(false);
    expect(inputLabelled(html, 'E-mail')).toContain('autoComplete="username"');
    const password = inputLabelled(html, 'Password');
    expect(password).toContain('autoComplete="current-password"');
    expect(password).not.toContain('minLength');
    expect(html).not.toContain('class="hint"');
  });

  it('asks a new user for a new password of the contract minimum, and says so', () => {
    const html = markup(true);
    expect(inputLabelled(html, 'E-mail')).toContain('autoComplete="email"');
    const password = inputLabelled(html, 'Password');
    expect(password).toContain('autoComplete="new-password"');
    expect(password).toContain(`minLength="${MIN_PASSWORD_LENGTH}"`);
    const hintId = /aria-describedby="([^"]+)"/.exec(password)?.[1];
    expect(html).toContain(`<p id="${hintId}" class="hint">At least ${MIN_PASSWORD_LENGTH} characters.</p>`);
  });
});
