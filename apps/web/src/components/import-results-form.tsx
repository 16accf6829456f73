'use client';

import type { RunDto } from '@gradlab/contracts';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../lib/api-client';
import { useApi } from '../lib/api-context';

/**
 * The course framework's result files (summary.csv, test_summary.csv) as a read-only run, to compare with
 * gradlab's own. The folder's name (VGG_38_experiment) tells the network.
 */
export function ImportResultsForm() {
  const { apiUrl } = useApi();
  const router = useRouter();
  const [folder, setFolder] = useState('');
  const [files, setFiles] = useState<FileList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const form = new FormData();
    if (folder.trim()) form.append('folder', folder.trim());
    for (const file of Array.from(files ?? [])) form.append('files', file, file.name);
    setBusy(true);
    try {
      const response = await fetch(`${apiUrl}/api/imports`, { method: 'POST', body: form, credentials: 'include' });
      const body = await response.json().catch(() => null);
      if (!response.ok) throw new ApiError(response.status, body?.message ?? `the api answered ${response.status}`, body?.errors ?? []);
      router.push(`/runs/${(body as RunDto).id}`);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="card" data-testid="import-form">
      <h2>Import the course framework&apos;s results</h2>
      <p className="muted">
        A run made with the course&apos;s PyTorch framework, beside gradlab&apos;s own: pick its <code>result_outputs/summary.csv</code> and{' '}
        <code>test_summary.csv</code>. The run is read-only and has no gradient flow.
      </p>
      <div className="row">
        <label>
          Experiment folder (names the network)
          <input name="folder" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="VGG_38_experiment" />
        </label>
        <label>
          Files
          <input name="files" type="file" multiple accept=".csv,.pdf,.png" onChange={(e) => setFiles(e.target.files)} />
        </label>
        <button type="submit" disabled={busy || !files?.length}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="import-error">
          {error}
        </p>
      )}
    </form>
  );
}
