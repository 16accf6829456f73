'use client';

import { isStaffRole, ROLES, type ApiKeyDto, type CreatedApiKeyDto, type FieldError, type TeamDto, type UserDto } from '@gradlab/contracts';
import { useState, type FormEvent } from 'react';
import { ApiError, apiFetch } from '../lib/api-client';
import { useApi } from '../lib/api-context';
import { useApiQuery } from '../lib/use-api-query';
import { ConfirmButton } from './confirm-button';
import { LocalTime } from './local-time';
import { DataTable } from './data-table';

/** Submits a small form to the api; field errors come back by name. */
function useSubmit() {
  const { apiUrl } = useApi();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const submit = async <T,>(path: string, body: unknown): Promise<T | null> => {
    setErrors([]);
    setMessage(null);
    try {
      return await apiFetch<T>(apiUrl, path, { method: 'POST', body: JSON.stringify(body) });
    } catch (e) {
      setMessage((e as Error).message);
      if (e instanceof ApiError) setErrors(e.fieldErrors);
      return null;
    }
  };
  const errorOf = (field: string) => errors.find((e) => e.field === field)?.message;
  return { submit, errorOf, message };
}

function ApiKeys() {
  const { apiUrl, me } = useApi();
  const keys = useApiQuery('keys', (fetchJson) => fetchJson<ApiKeyDto[]>('/keys'));
  // Staff may make a key for another user (e.g. a student who only uses the CLI).
  const staff = me !== null && isStaffRole(me.role);
  const users = useApiQuery(staff ? 'users' : null, (fetchJson) => fetchJson<UserDto[]>('/users'));
  const [owner, setOwner] = useState('');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiKeyDto | null>(null);
  const { submit, errorOf, message } = useSubmit();

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const key = await submit<CreatedApiKeyDto>('/keys', { name, ...(owner ? { userId: owner } : {}) });
    if (key) {
      setCreated(key);
      setCopied(false);
      setName('');
      keys.reload();
    }
  };
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const revoke = async (id: string) => {
    setRevokeError(null);
    try {
      await apiFetch(apiUrl, `/keys/${id}`, { method: 'DELETE' });
      // A revoked key is of no use: its "copy it now" box goes with it.
      if (created?.id === id) setCreated(null);
    } catch (e) {
      setRevokeError(`Could not revoke the key: ${(e as Error).message}`);
    }
    keys.reload();
  };
  const copy = async (key: string) => {
    try {
      await navigator.clipboard.writeText(key);
      setCopied(true);
    } catch {
      setCopied(false); // no clipboard (an insecure origin): the key stays selectable
    }
  };

  return (
    <div className="card">
      <h2>API keys</h2>
      <p className="muted">For the CLI (`gradlab config --key KEY`), scripts and GraphQL. A key is shown once; revoking one stops it at once.</p>
      <form onSubmit={create} className="row">
        <label>
          New key&apos;s name
          <input name="keyName" value={name} onChange={(e) => setName(e.target.value)} placeholder="laptop" />
          <span className="field-error">{errorOf('name')}</span>
        </label>
        {users.data && (
          <label>
            For
            <select name="keyOwner" value={owner} onChange={(e) => setOwner(e.target.value)}>
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
        <button type="submit" className="primary">
          Create key
        </button>
      </form>
      {message && <p className="error">{message}</p>}
      {created && (
        <div className="new-key" data-testid="new-key">
          <p>Your new key (copy it now; it will not be shown again):</p>
          <code>{created.key}</code>
          <button type="button" onClick={() => copy(created.key)}>
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      )}
      {revokeError && (
        <p className="error" role="alert">
          {revokeError}
        </p>
      )}
      <DataTable testId="keys-table" headers={['Name', 'Key', ...(staff ? ['User'] : []), 'Created', 'Last used', '']}>
        {keys.data?.map((k) => (
          <tr key={k.id} className={k.revokedAt ? 'muted' : undefined}>
            <td>{k.name}</td>
            <td>
              <code>{k.prefix}…</code>
            </td>
            {staff && <td>{k.userId === me?.id ? 'you' : (users.data?.find((u) => u.id === k.userId)?.email ?? k.userId.slice(0, 8))}</td>}
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
                <ConfirmButton label="Revoke" question={`Revoke "${k.name}"? It stops working at once.`} onConfirm={() => revoke(k.id)} />
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

/** Staff add users to their own team; an admin also makes teams, and users anywhere. */
function TeamsAndUsers({ admin }: { admin: boolean }) {
  const teams = useApiQuery('teams', (fetchJson) => fetchJson<TeamDto[]>('/teams'));
  const users = useApiQuery('users', (fetchJson) => fetchJson<UserDto[]>('/users'));
  const [teamName, setTeamName] = useState('');
  const [user, setUser] = useState({ email: '', password: '', role: 'student', team: '' });
  // Until one is picked: the first team listed (staff see their own only).
  const team = user.team || teams.data?.[0]?.name || '';
  const teamForm = useSubmit();
  const userForm = useSubmit();

  const createTeam = async (event: FormEvent) => {
    event.preventDefault();
    if (await teamForm.submit('/teams', { name: teamName })) {
      setTeamName('');
      teams.reload();
    }
  };
  const createUser = async (event: FormEvent) => {
    event.preventDefault();
    const body = { email: user.email, role: user.role, team, ...(user.password ? { password: user.password } : {}) };
    if (await userForm.submit('/users', body)) {
      setUser({ ...user, email: '', password: '' });
      users.reload();
    }
  };

  return (
    <>
      <div className="card">
        <h2>Teams</h2>
        {admin && (
          <form onSubmit={createTeam} className="row">
            <label>
              New team
              <input name="teamName" value={teamName} onChange={(e) => setTeamName(e.target.value)} />
              <span className="field-error">{teamForm.errorOf('name')}</span>
            </label>
            <button type="submit" className="primary">
              Create team
            </button>
          </form>
        )}
        {teamForm.message && <p className="error">{teamForm.message}</p>}
        <p data-testid="teams-list">{teams.data?.map((t) => t.name).join(', ')}</p>
      </div>
      <div className="card">
        <h2>Users</h2>
        <form onSubmit={createUser} className="grid">
          <label>
            Email
            <input name="userEmail" value={user.email} onChange={(e) => setUser({ ...user, email: e.target.value })} />
            <span className="field-error">{userForm.errorOf('email')}</span>
          </label>
          <label>
            Password (empty: API keys only)
            <input name="userPassword" type="password" value={user.password} onChange={(e) => setUser({ ...user, password: e.target.value })} />
            <span className="field-error">{userForm.errorOf('password')}</span>
          </label>
          <label>
            Role
            <select name="userRole" value={user.role} onChange={(e) => setUser({ ...user, role: e.target.value })}>
              {ROLES.filter((r) => admin || r !== 'admin').map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <label>
            Team
            <select name="userTeam" value={team} onChange={(e) => setUser({ ...user, team: e.target.value })}>
              {teams.data?.map((t) => (
                <option key={t.id}>{t.name}</option>
              ))}
            </select>
            <span className="field-error">{userForm.errorOf('team')}</span>
          </label>
          <button type="submit" className="primary">
            Create user
          </button>
        </form>
        {userForm.message && <p className="error">{userForm.message}</p>}
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
