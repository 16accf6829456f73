import Link from 'next/link';

export function Nav() {
  return (
    <nav className="nav">
      <Link href="/runs" className="brand">
        gradlab
      </Link>
      <Link href="/runs">Runs</Link>
      <Link href="/runs/new">New run</Link>
      <Link href="/compare">Compare</Link>
      <Link href="/workers">Workers</Link>
    </nav>
  );
}
