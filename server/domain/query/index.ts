export { parseWhere, parseOrder, isEmptyFilter } from './parse';
export { ZSearchQuery, ZFilterQuery, ZWhere, ZOrderBy, ZQueryLabels, QUERY_LIMITS, type TSearchQuery, type TFilterQuery } from './query.schema';
