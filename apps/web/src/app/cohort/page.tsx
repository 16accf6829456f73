import { CohortView } from '../../components/cohort-view';

export default function CohortPage() {
  return <CohortView />;
}
