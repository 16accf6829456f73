import { CohortView } from '../../features/cohort/cohort-view';

export default function CohortPage() {
  return <CohortView />;
}
