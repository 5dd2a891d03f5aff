import { MIN_PASSWORD_LENGTH } from '@revoke/contract';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { LabelledInput, type LabelledInputProps } from './labelled-input.tsx';

/** What the sign-in and sign-up forms send. */
export interface Credentials {
  email: string;
  password: string;
}

/**
 * The two fields, for a new account or a saved one. A new password must meet the registration
 * minimum, and `new-password` lets password managers offer to generate one.
 */
function credentialFields(newAccount: boolean) {
  return {
    email: { label: 'E-mail', type: 'email', autoComplete: newAccount ? 'email' : 'username' },
    password: {
      label: 'Password',
      type: 'password',
      autoComplete: newAccount ? 'new-password' : 'current-password',
      minLength: newAccount ? MIN_PASSWORD_LENGTH : undefined,
      hint: newAccount ? `At least ${MIN_PASSWORD_LENGTH} characters.` : undefined,
    },
  } satisfies Record<keyof Credentials, Omit<LabelledInputProps, 'id'>>;
}

/**
 * The e-mail and password form. `newAccount` asks for a new password, otherwise for the saved one.
 * `children` go between the fields and the button: the errors of the calls it starts.
 */
export function CredentialsForm(props: {
  newAccount: boolean;
  busy: boolean;
  submitLabel: string;
  onSubmit: (credentials: Credentials) => void;
  children?: ReactNode;
}) {
  const id = useId();
  const [values, setValues] = useState<Credentials>({ email: '', password: '' });
  const fields = credentialFields(props.newAccount);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit(values);
  };
  return (
    <form className="card form" onSubmit={submit} aria-busy={props.busy}>
      {(Object.keys(fields) as (keyof Credentials)[]).map((name) => (
        <LabelledInput
          key={name}
          id={`${id}-${name}`}
          required
          value={values[name]}
          onChange={(event) => {
            const { value } = event.target;
            setValues((current) => ({ ...current, [name]: value }));
          }}
          {...fields[name]}
        />
      ))}
      {props.children}
      <button type="submit" disabled={props.busy}>
        {props.submitLabel}
      </button>
    </form>
  );
}
