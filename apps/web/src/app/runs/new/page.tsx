import { Suspense } from 'react';
import { NewRunForm } from '../../../components/new-run-form';

export default function NewRunPage() {
  return (
    <Suspense>
      <NewRunForm />
    </Suspense>
  );
}
