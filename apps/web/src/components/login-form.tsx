'use client';

import type { FieldError } from '@gradlab/contracts';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { ApiError, apiFetch } from '../lib/api-client';
import { useApi } from '../lib/api-context';

/** Email and password; the api answers with an httpOnly session cookie. */
export function LoginForm() {
  const { apiUrl, refreshMe } = useApi();
  const router = useRouter();
  const next = useSearchParams().get('next');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors([]);
    try {
      await apiFetch(apiUrl, '/auth/login', { method: 'POST', body: JSON.stringify({ email, password }) });
      await refreshMe();
      // Only a path of this site: never an address someone slipped into the link.
      router.replace(next?.startsWith('/') && !next.startsWith('//') ? next : '/runs');
    } catch (e) {
      setError((e as Error).message);
      if (e instanceof ApiError) setFieldErrors(e.fieldErrors);
      setBusy(false);
    }
  };

  const errorOf = (field: string) => fieldErrors.find((f) => f.field.endsWith(field))?.message;
  return (
    <section style={{ maxWidth: 380 }}>
      <h1>Sign in</h1>
      <form onSubmit={submit} className="card" noValidate>
        <label>
          Email
          <input name="email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />
          <span className="field-error">{errorOf('email')}</span>
        </label>
        <label style={{ marginTop: '0.75rem' }}>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          <span className="field-error">{errorOf('password')}</span>
        </label>
        {error && (
          <p className="error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy} style={{ marginTop: '0.75rem' }}>
          Sign in
        </button>
      </form>
      <p className="muted">Scripts and the CLI use an API key instead (Settings, once signed in).</p>
    </section>
  );
}
