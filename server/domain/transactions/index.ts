export { runBatch, ZBatchInput, ZBatchResult, MAX_BATCH_OPS, type TBatchInput } from './batch';
export {
  beginTransaction,
  commitTransaction,
  getTransaction,
  listTransactions,
  rollbackTransaction,
  ZBeginInput,
  ZTransaction,
  ZTransactionFull,
  ZTransactionId,
  ZTransactionOutcome,
  type TransactionDeps,
} from './transactions';
