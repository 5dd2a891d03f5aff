import type { InputHTMLAttributes } from 'react';

/** The label and hint, and everything an input takes. */
export type LabelledInputProps = {
  id: string;
  label: string;
  hint?: string;
} & InputHTMLAttributes<HTMLInputElement>;

/**
 * An input with its label (bound by `id`, so a click or a screen reader finds it) and, when given, a
 * hint the input is described by.
 */
export function LabelledInput(props: LabelledInputProps) {
  const { label, hint, ...input } = props;
  const hintId = `${props.id}-hint`;
  return (
    <>
      <label htmlFor={props.id}>{label}</label>
      <input {...input} aria-describedby={hint ? hintId : undefined} />
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
    </>
  );
}
