import { Suspense } from 'react';
import { LoginForm } from '../../features/session/login-form';

export default function LoginPage() {
  return (
    <Suspense>
      <LoginForm />
    </Suspense>
  );
}
