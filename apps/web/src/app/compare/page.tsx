import { Suspense } from 'react';
import { CompareView } from '../../features/compare/compare-view';

export default function ComparePage() {
  return (
    <Suspense>
      <CompareView />
    </Suspense>
  );
}
