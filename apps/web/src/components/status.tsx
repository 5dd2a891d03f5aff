import type { ReactNode } from 'react';
import { describeError } from '../api/errors.ts';

/** A polite "loading" message for assistive technology and sighted users alike. */
export function Loading(props: { children: ReactNode }) {
  return (
    <p className="status" role="status">
      <span className="spinner" aria-hidden="true" />
      {props.children}
    </p>
  );
}

/** An error announced at once, with a retry button when the call can be repeated. */
export function ErrorMessage(props: { error: unknown; title?: string; onRetry?: () => void }) {
  return (
    <div className="error" role="alert">
      <p>
        {props.title ? <strong>{props.title} </strong> : null}
        {describeError(props.error)}
      </p>
      {props.onRetry ? (
        <button type="button" className="secondary" onClick={props.onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
