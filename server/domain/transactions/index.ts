export { runBatch, ZBatchInput, ZBatchResult, MAX_BATCH_OPS } from './batch';
export { TransactionManager, type TxInfo, type TxOwner, type TxOptions } from './manager';
