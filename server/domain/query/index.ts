export {
  parseWhere,
  parseWhereWithAliases,
  whereFor,
  latestOnly,
  parseOrder,
  isEmptyFilter,
  isRelationBlock,
  type Aliases,
} from './parse';
export { parseSelect, SELECT_LIMITS, type ParsedSelect } from './select';
export {
  ZSearchQuery,
  ZFilterQuery,
  ZWhere,
  ZOrderBy,
  ZQueryLabels,
  QUERY_LIMITS,
  type TSearchQuery,
  type TFilterQuery,
} from './query.schema';
export {
  ZWhere as ZWhereLanguage,
  ZSelect as ZSelectLanguage,
  ZSelectExpr,
  ZFieldOperators,
  ZRelation,
  languageComponents,
  LANGUAGE_REF,
} from './language';
