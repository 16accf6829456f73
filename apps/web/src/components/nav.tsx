'use client';

import { isStaffRole } from '@gradlab/contracts';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useApi } from '../lib/api-context';

export function Nav() {
  const { me, api, refreshMe } = useApi();
  const router = useRouter();
  const signOut = async () => {
    await api.POST('/api/auth/logout').catch(() => undefined);
    await refreshMe();
    router.replace('/login');
  };
  return (
    <nav className="nav">
      <Link href="/runs" className="brand">
        gradlab
      </Link>
      {me && (
        <>
          <Link href="/runs">Runs</Link>
          <Link href="/runs/new">New run</Link>
          <Link href="/groups">Groups</Link>
          <Link href="/blocks">Blocks</Link>
          <Link href="/compare">Compare</Link>
          {isStaffRole(me.role) && <Link href="/workers">Workers</Link>}
          {isStaffRole(me.role) && <Link href="/cohort">Cohort</Link>}
          <Link href="/settings">Settings</Link>
          <span className="muted" style={{ marginLeft: 'auto' }} data-testid="signed-in-as">
            {me.email} · {me.team.name} · {me.role}
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </>
      )}
    </nav>
  );
}
