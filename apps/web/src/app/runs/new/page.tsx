import { Suspense } from 'react';
import { ImportResultsForm } from '../../../features/runs/import-results-form';
import { NewRunForm } from '../../../features/runs/new-run-form';

export default function NewRunPage() {
  return (
    <Suspense>
      <NewRunForm />
      <ImportResultsForm />
    </Suspense>
  );
}
