export { searchByMeaning, type SearchDeps, type Hit } from './search';
export { ZSearchInput, SEARCH_LIMITS, type TSearchInput } from './search.schema';
