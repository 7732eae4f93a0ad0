import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="login-page">
      <div className="card login-card">
        <h1>Page not found</h1>
        <p className="muted">There is no console page at this address.</p>
        <Link href="/">Back to the console</Link>
      </div>
    </main>
  );
}
