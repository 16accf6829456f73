import { GroupsView } from '../../features/groups/groups-view';

export default function GroupsPage() {
  return <GroupsView />;
}
