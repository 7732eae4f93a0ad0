import Link from 'next/link';

export const metadata = { title: 'Settings' };

export default function SettingsPage() {
  return (
    <>
      <header className="page-header">
        <h1>Settings</h1>
        <p className="muted">Settings of the selected project.</p>
      </header>
      <ul className="link-list">
        <li>
          <Link href="/settings/keys">API keys</Link>
          <p className="muted">Create keys that let apps and agents read or write this project, and revoke them.</p>
        </li>
        <li>
          <Link href="/settings/transactions">Open transactions</Link>
          <p className="muted">Transactions in progress: their age and time to live; roll one back.</p>
        </li>
      </ul>
    </>
  );
}
