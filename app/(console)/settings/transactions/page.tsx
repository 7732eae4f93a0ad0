import { OpenTransactions } from '@/components/settings/open-transactions';

export const metadata = { title: 'Transactions' };

export default function TransactionsPage() {
  return (
    <>
      <header className="page-header">
        <h1>Open transactions</h1>
        <p className="muted">Multi-step writes of agents and apps that have not committed yet.</p>
      </header>
      <OpenTransactions />
    </>
  );
}
