import { Suspense } from 'react';
import { ImportResultsForm } from '../../../components/import-results-form';
import { NewRunForm } from '../../../components/new-run-form';

export default function NewRunPage() {
  return (
    <Suspense>
      <NewRunForm />
      <ImportResultsForm />
    </Suspense>
  );
}
