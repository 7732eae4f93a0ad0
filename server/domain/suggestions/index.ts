export { listSuggestions, getSuggestion, previewSuggestion, approveSuggestion, rejectSuggestion, deleteSuggestion } from './rules';
export { analyzeSuggestions, getAnalysis } from './analysis';
export { SuggestionAnalyzer, type SuggestionsHandle, type AnalysisTrigger } from './analyzer';
export { findCandidates, analyzeProject, type Candidate } from './analyze';
export { nameEvidence, typeFor, words, singular } from './names';
export { confidenceOf, specificity, kindOf } from './values';
export * from './suggestions.schema';
