import { GroupsView } from '../../components/groups-view';

export default function GroupsPage() {
  return <GroupsView />;
}
