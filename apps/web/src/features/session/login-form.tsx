'use client';

import { LoginRequestSchema } from '@gradlab/contracts';
import { useRouter, useSearchParams } from 'next/navigation';
import { useSignIn } from './use-session';
import { useContractForm } from '../../lib/use-contract-form';
import { FormError, FormField, SubmitButton } from '../../components/form-controls';

/** Email and password; the api answers with an httpOnly session cookie. */
export function LoginForm() {
  const signIn = useSignIn();
  const router = useRouter();
  const next = useSearchParams().get('next');
  const { form, onSubmit, errorOf, formError } = useContractForm(LoginRequestSchema, { email: '', password: '' });

  const submit = onSubmit(async (request) => {
    await signIn.mutateAsync(request);
    // Only a path of this site: never an address someone slipped into the link.
    router.replace(next?.startsWith('/') && !next.startsWith('//') ? next : '/runs');
  });

  return (
    <section style={{ maxWidth: 380 }}>
      <h1>Sign in</h1>
      <form onSubmit={submit} className="card" noValidate>
        <FormField label="Email" error={errorOf('email')}>
          <input type="email" autoComplete="username" {...form.register('email')} />
        </FormField>
        <FormField label="Password" error={errorOf('password')} style={{ marginTop: '0.75rem' }}>
          <input type="password" autoComplete="current-password" {...form.register('password')} />
        </FormField>
        <FormError error={formError} testId="login-error" />
        <SubmitButton
          label="Sign in"
          busy={form.formState.isSubmitting || form.formState.isSubmitSuccessful}
          style={{ marginTop: '0.75rem' }}
        />
      </form>
      <p className="muted">Scripts and the CLI use an API key instead (Settings, once signed in).</p>
    </section>
  );
}
