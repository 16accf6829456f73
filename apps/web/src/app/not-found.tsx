import Link from 'next/link';

export default function NotFound() {
  return (
    <section className="not-found" data-testid="not-found">
      <h1>Not found</h1>
      <p>There is no such page or run. It may have been mistyped, or belong to another team.</p>
      <Link href="/runs">Back to the runs</Link>
    </section>
  );
}
