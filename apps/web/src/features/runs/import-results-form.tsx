'use client';

import { useRouter } from 'next/navigation';
import { useForm, useWatch } from 'react-hook-form';
import { useImportResults } from './use-import-results';
import { showApiError } from '../../lib/use-contract-form';
import { FormError } from '../../components/form-controls';

interface ImportFields {
  folder: string;
  files: FileList | undefined;
}

/**
 * The course framework's result files (summary.csv, test_summary.csv) as a read-only run, to compare with
 * gradlab's own. The folder's name (VGG_38_experiment) tells the network. The api reads and checks the
 * files, and names the one that is wrong.
 */
export function ImportResultsForm() {
  const importResults = useImportResults();
  const router = useRouter();
  const { register, handleSubmit, setError, control, formState } = useForm<ImportFields>({
    defaultValues: { folder: '' },
  });
  const chosen = useWatch({ control, name: 'files' });

  const submit = handleSubmit(async ({ folder, files }) => {
    const form = new FormData();
    if (folder.trim()) form.append('folder', folder.trim());
    for (const file of Array.from(files ?? [])) form.append('files', file, file.name);
    try {
      const run = await importResults.mutateAsync(form);
      router.push(`/runs/${run.id}`);
    } catch (e) {
      showApiError(setError, e);
    }
  });

  return (
    <form onSubmit={submit} className="card" data-testid="import-form">
      <h2>Import the course framework&apos;s results</h2>
      <p className="muted">
        A run made with the course&apos;s PyTorch framework, beside gradlab&apos;s own: pick its{' '}
        <code>result_outputs/summary.csv</code> and <code>test_summary.csv</code>. The run is read-only and has no
        gradient flow.
      </p>
      <div className="row">
        <label>
          Experiment folder (names the network)
          <input {...register('folder')} placeholder="VGG_38_experiment" />
        </label>
        <label>
          Files
          <input type="file" multiple accept=".csv,.pdf,.png" {...register('files')} />
        </label>
        <button type="submit" disabled={formState.isSubmitting || !chosen?.length}>
          {formState.isSubmitting ? 'Importing…' : 'Import'}
        </button>
      </div>
      <FormError error={formState.errors.root?.message} testId="import-error" />
    </form>
  );
}
