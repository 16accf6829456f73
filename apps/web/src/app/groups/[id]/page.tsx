import { GroupView } from '../../../features/groups/group-view';

export default async function GroupPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <GroupView groupId={id} />;
}
