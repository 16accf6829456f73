'use client';

import {
  CreateApiKeyRequestSchema,
  CreateTeamRequestSchema,
  CreateUserRequestSchema,
  isStaffRole,
  ROLES,
  type ApiKeyDto,
  type CreatedApiKeyDto,
  type UserDto,
} from '@gradlab/contracts';
import { useEffect, useState } from 'react';
import { answerOf } from '@gradlab/api-client';
import { useApi } from '../../lib/api-context';
import { useRevokeKey } from './use-revoke-key';
import { useCreateKey, useCreateTeam, useCreateUser } from './use-settings-writes';
import { useApiQuery } from '../../lib/use-api-query';
import { queryKeys } from '../../lib/query-keys';
import { useContractForm } from '../../lib/use-contract-form';
import { ConfirmButton } from '../../components/confirm-button';
import { LocalTime } from '../../components/local-time';
import { DataTable } from '../../components/data-table';
import { FormError, FormField, SubmitButton } from '../../components/form-controls';

/** An empty text box or "you" in a select: the field is left out of the request. */
const blankAsOmitted = { setValueAs: (value: string) => value || undefined };

/** A key just made, shown once, with a button that copies it. */
function NewKey({ apiKey }: { apiKey: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(apiKey);
      setCopied(true);
    } catch {
      setCopied(false); // no clipboard (an insecure origin): the key stays selectable
    }
  };
  return (
    <div className="new-key" data-testid="new-key">
      <p>Your new key (copy it now; it will not be shown again):</p>
      <code>{apiKey}</code>
      <button type="button" onClick={copy}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

/** The keys the caller may see (staff: every key of the team, with its user), each revocable. */
function KeysTable(props: {
  keys: ApiKeyDto[] | undefined;
  users: UserDto[] | undefined;
  staff: boolean;
  revoke: (id: string) => void;
}) {
  const { keys, users, staff, revoke } = props;
  const { me } = useApi();
  return (
    <DataTable testId="keys-table" headers={['Name', 'Key', ...(staff ? ['User'] : []), 'Created', 'Last used', '']}>
      {keys?.map((k) => (
        <tr key={k.id} className={k.revokedAt ? 'muted' : undefined}>
          <td>{k.name}</td>
          <td>
            <code>{k.prefix}…</code>
          </td>
          {staff && (
            <td>
              {k.userId === me?.id ? 'you' : (users?.find((u) => u.id === k.userId)?.email ?? k.userId.slice(0, 8))}
            </td>
          )}
          <td>
            <LocalTime iso={k.createdAt} />
          </td>
          <td>
            <LocalTime iso={k.lastUsedAt} />
          </td>
          <td>
            {k.revokedAt ? (
              <>
                revoked <LocalTime iso={k.revokedAt} />
              </>
            ) : (
              <ConfirmButton
                label="Revoke"
                question={`Revoke "${k.name}"? It stops working at once.`}
                onConfirm={() => revoke(k.id)}
              />
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function ApiKeys() {
  const { me } = useApi();
  const keys = useApiQuery(queryKeys.keys(), (api) => answerOf(api.GET('/api/keys')));
  // Staff may make a key for another user (e.g. a student who only uses the CLI).
  const staff = me !== null && isStaffRole(me.role);
  const users = useApiQuery(staff ? queryKeys.users() : null, (api) => answerOf(api.GET('/api/users')));
  const [created, setCreated] = useState<CreatedApiKeyDto | null>(null);
  const { form, onSubmit, errorOf, formError } = useContractForm(CreateApiKeyRequestSchema, { name: '' });

  const createKey = useCreateKey();
  const create = onSubmit(async (request) => {
    setCreated(await createKey.mutateAsync(request));
    form.resetField('name');
  });
  const revokeKey = useRevokeKey();
  // A revoked key is of no use: its "copy it now" box goes with it.
  const revoke = (id: string) =>
    revokeKey.mutate(id, { onSuccess: () => setCreated((c) => (c?.id === id ? null : c)) });

  return (
    <div className="card">
      <h2>API keys</h2>
      <p className="muted">
        For the CLI (`gradlab config --key KEY`), scripts and GraphQL. A key is shown once; revoking one stops it at
        once.
      </p>
      <form onSubmit={create} className="row">
        <FormField label="New key's name" error={errorOf('name')}>
          <input {...form.register('name')} data-testid="key-name" placeholder="laptop" />
        </FormField>
        {users.data && (
          <label>
            For
            <select {...form.register('userId', blankAsOmitted)} data-testid="key-owner">
              <option value="">you</option>
              {users.data
                .filter((u) => u.id !== me?.id)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.email}
                  </option>
                ))}
            </select>
          </label>
        )}
        <SubmitButton label="Create key" />
      </form>
      <FormError error={formError} />
      {created && <NewKey key={created.id} apiKey={created.key} />}
      {revokeKey.error && (
        <p className="error" role="alert">
          Could not revoke the key: {revokeKey.error.message}
        </p>
      )}
      <KeysTable keys={keys.data} users={users.data} staff={staff} revoke={revoke} />
    </div>
  );
}

/** Staff add users to their own team; an admin also makes teams, and users anywhere. */
function TeamsAndUsers({ admin }: { admin: boolean }) {
  const teams = useApiQuery(queryKeys.teams(), (api) => answerOf(api.GET('/api/teams')));
  const users = useApiQuery(queryKeys.users(), (api) => answerOf(api.GET('/api/users')));
  const teamForm = useContractForm(CreateTeamRequestSchema, { name: '' });
  const userForm = useContractForm(CreateUserRequestSchema, { email: '', role: 'student', team: '' });
  // Until one is picked: the first team listed (staff see their own only).
  const firstTeam = teams.data?.[0]?.name;
  const { getValues, setValue } = userForm.form;
  useEffect(() => {
    if (firstTeam && !getValues('team')) setValue('team', firstTeam);
  }, [firstTeam, getValues, setValue]);

  const newTeam = useCreateTeam();
  const newUser = useCreateUser();
  const createTeam = teamForm.onSubmit(async (request) => {
    await newTeam.mutateAsync(request);
    teamForm.form.resetField('name');
  });
  const createUser = userForm.onSubmit(async (request) => {
    await newUser.mutateAsync(request);
    userForm.form.resetField('email');
    userForm.form.resetField('password');
  });

  return (
    <>
      <div className="card">
        <h2>Teams</h2>
        {admin && (
          <form onSubmit={createTeam} className="row">
            <FormField label="New team" error={teamForm.errorOf('name')}>
              <input {...teamForm.form.register('name')} data-testid="team-name" />
            </FormField>
            <SubmitButton label="Create team" />
          </form>
        )}
        <FormError error={teamForm.formError} />
        <p data-testid="teams-list">{teams.data?.map((t) => t.name).join(', ')}</p>
      </div>
      <div className="card">
        <h2>Users</h2>
        <form onSubmit={createUser} className="grid">
          <FormField label="Email" error={userForm.errorOf('email')}>
            <input {...userForm.form.register('email')} data-testid="user-email" />
          </FormField>
          <FormField label="Password (empty: API keys only)" error={userForm.errorOf('password')}>
            <input
              type="password"
              {...userForm.form.register('password', blankAsOmitted)}
              data-testid="user-password"
            />
          </FormField>
          <FormField label="Role" error={userForm.errorOf('role')}>
            <select {...userForm.form.register('role')} data-testid="user-role">
              {ROLES.filter((r) => admin || r !== 'admin').map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </FormField>
          <FormField label="Team" error={userForm.errorOf('team')}>
            <select {...userForm.form.register('team')} data-testid="user-team">
              {teams.data?.map((t) => (
                <option key={t.id}>{t.name}</option>
              ))}
            </select>
          </FormField>
          <SubmitButton label="Create user" />
        </form>
        <FormError error={userForm.formError} />
        <DataTable testId="users-table" headers={['Email', 'Role', 'Team', 'Since']}>
          {users.data?.map((u) => (
            <tr key={u.id}>
              <td>{u.email}</td>
              <td>{u.role}</td>
              <td>{u.team.name}</td>
              <td>
                <LocalTime iso={u.createdAt} />
              </td>
            </tr>
          ))}
        </DataTable>
      </div>
    </>
  );
}

/** Everyone manages their own API keys; staff also make teams and users. */
export function SettingsView() {
  const { me } = useApi();
  return (
    <section>
      <h1>Settings</h1>
      <ApiKeys />
      {me && isStaffRole(me.role) && <TeamsAndUsers admin={me.role === 'admin'} />}
    </section>
  );
}
