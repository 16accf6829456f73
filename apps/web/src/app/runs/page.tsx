import { Suspense } from 'react';
import { RunsView } from '../../components/runs-view';

export default function RunsPage() {
  return (
    <Suspense>
      <RunsView />
    </Suspense>
  );
}
