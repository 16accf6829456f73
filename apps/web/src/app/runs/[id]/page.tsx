import { notFound, redirect } from 'next/navigation';
import { RunView } from '../../../features/runs/run-view';
import { lookUpRun } from '../../../lib/server-api';

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const lookup = await lookUpRun(id);
  if (lookup.kind === 'not-found') notFound();
  if (lookup.kind === 'signed-out') redirect(`/login?next=${encodeURIComponent(`/runs/${id}`)}`);
  return <RunView runId={id} initialRun={lookup.kind === 'found' ? lookup.run : undefined} />;
}
