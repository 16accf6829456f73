import { WorkersView } from '../../features/workers/workers-view';

export default function WorkersPage() {
  return <WorkersView />;
}
