import { Suspense } from 'react';
import { RunsView } from '../../features/runs/runs-view';

export default function RunsPage() {
  return (
    <Suspense>
      <RunsView />
    </Suspense>
  );
}
