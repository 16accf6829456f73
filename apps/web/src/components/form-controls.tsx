import type { CSSProperties, ReactNode } from 'react';

/** A labelled form control with its message under it, empty while the field is fine. */
export function FormField({
  label,
  error,
  style,
  children,
}: {
  label: ReactNode;
  error: string | undefined;
  style?: CSSProperties;
  children: ReactNode;
}) {
  return (
    <label style={style}>
      {label}
      {children}
      <span className="field-error">{error}</span>
    </label>
  );
}

/** The form's main button; disabled while what it sent is on its way. */
export function SubmitButton({ label, busy = false, style }: { label: string; busy?: boolean; style?: CSSProperties }) {
  return (
    <button type="submit" className="primary" disabled={busy} style={style}>
      {label}
    </button>
  );
}

/** What failed that is no one field's: the api's answer, or that it could not be reached. */
export function FormError({ error, testId }: { error: string | undefined; testId?: string }) {
  if (!error) return null;
  return (
    <p className="error" role="alert" data-testid={testId}>
      {error}
    </p>
  );
}
