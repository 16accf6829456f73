'use client';

import { useState } from 'react';

/**
 * A button for what cannot be undone (cancel a run, revoke a key): the first click asks, in place, and only
 * "Yes" acts.
 */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  testId,
}: {
  label: string;
  question: string;
  onConfirm: () => void | Promise<void>;
  testId?: string;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)} data-testid={testId}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button
        type="button"
        className="danger"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        Yes, {label.toLowerCase()}
      </button>
      <button type="button" onClick={() => setAsking(false)} disabled={busy}>
        No
      </button>
    </span>
  );
}
