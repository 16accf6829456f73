import { BlocksView } from '../../features/blocks/blocks-view';

export default function BlocksPage() {
  return <BlocksView />;
}
