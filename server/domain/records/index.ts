export {
  createRecord,
  importJson,
  importCsv,
  findRecord,
  getRecord,
  updateRecord,
  setRecord,
  deleteRecord,
  deleteRecords,
  searchRecords,
  queryRecords,
  countLabels,
} from './records';
export { exportCsv, searchProperties } from './export';
export { LIMITS } from './limits';
export { toRecord } from './output';
export { inferType, isDatetimeString, PROPERTY_TYPES, type PropType } from './types';
export { parseCsv, csvToDocuments } from './csv';
export * from './records.schema';
export { recordHistory, relationshipHistory, getRecordAsOf, restoreRecord } from './history';
export * from './history.schema';
