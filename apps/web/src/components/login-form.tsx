'use client';

import { LoginRequestSchema } from '@gradlab/contracts';
import { useRouter, useSearchParams } from 'next/navigation';
import { apiFetch } from '../lib/api-client';
import { useApi } from '../lib/api-context';
import { useContractForm } from '../lib/use-contract-form';

/** Email and password; the api answers with an httpOnly session cookie. */
export function LoginForm() {
  const { apiUrl, refreshMe } = useApi();
  const router = useRouter();
  const next = useSearchParams().get('next');
  const { form, onSubmit, errorOf, formError } = useContractForm(LoginRequestSchema, { email: '', password: '' });

  const submit = onSubmit(async (request) => {
    await apiFetch(apiUrl, '/auth/login', { method: 'POST', body: JSON.stringify(request) });
    await refreshMe();
    // Only a path of this site: never an address someone slipped into the link.
    router.replace(next?.startsWith('/') && !next.startsWith('//') ? next : '/runs');
  });

  return (
    <section style={{ maxWidth: 380 }}>
      <h1>Sign in</h1>
      <form onSubmit={submit} className="card" noValidate>
        <label>
          Email
          <input type="email" autoComplete="username" {...form.register('email')} />
          <span className="field-error">{errorOf('email')}</span>
        </label>
        <label style={{ marginTop: '0.75rem' }}>
          Password
          <input type="password" autoComplete="current-password" {...form.register('password')} />
          <span className="field-error">{errorOf('password')}</span>
        </label>
        {formError && (
          <p className="error" role="alert" data-testid="login-error">
            {formError}
          </p>
        )}
        <button type="submit" className="primary" disabled={form.formState.isSubmitting || form.formState.isSubmitSuccessful} style={{ marginTop: '0.75rem' }}>
          Sign in
        </button>
      </form>
      <p className="muted">Scripts and the CLI use an API key instead (Settings, once signed in).</p>
    </section>
  );
}
