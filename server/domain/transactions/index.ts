export { TransactionManager, type TxInfo, type TxOwner, type TxOptions } from './manager';
