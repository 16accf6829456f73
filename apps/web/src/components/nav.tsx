'use client';

import { isStaffRole } from '@gradlab/contracts';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useSignOut } from '../features/session/use-session';
import { useApi } from '../lib/api-context';

export function Nav() {
  const { me } = useApi();
  const router = useRouter();
  const { mutateAsync: leave } = useSignOut();
  const signOut = async () => {
    await leave();
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
