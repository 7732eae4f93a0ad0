export { runBatch } from './batch';
export {
  beginTransaction,
  commitTransaction,
  getTransaction,
  listTransactions,
  rollbackTransaction,
  type TransactionDeps,
} from './transactions';
export * from './transactions.schema';
