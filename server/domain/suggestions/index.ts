export {
  listSuggestions,
  getSuggestion,
  previewSuggestion,
  approveSuggestion,
  rejectSuggestion,
  deleteSuggestion,
} from './rules';
export { analyzeSuggestions, getAnalysis } from './analysis';
export { SuggestionAnalyzer, type SuggestionsHandle, type AnalysisTrigger } from './analyzer';
export * from './suggestions.schema';
