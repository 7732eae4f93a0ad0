import type { RouterOutputs } from '@/components/providers/trpc';

import { percentOf } from '@/components/ui/format';
export type Suggestion = RouterOutputs['suggestions']['list']['items'][number];
export type SuggestionStatus = Suggestion['status'];
export type Analysis = RouterOutputs['suggestions']['analysis'];

/** Rules per list: an analysis proposes at most one rule per source property, so this is rarely reached. */
export const LIST_LIMIT = 500;

/** The longest relationship type the server accepts (README, Limits). */
export const MAX_TYPE_LENGTH = 128;

/** One end of a rule as written on screen: `ORDER.customer_id`, or `CUSTOMER.id` for the record id. */
export const endName = (end: Suggestion['source']) => `${end.label}.${end.key === '$id' ? 'id' : end.key}`;

/** `ORDER.customer_id → CUSTOMER.id`, how a rule is named on screen and in accessible names. */
export const ruleName = (s: Pick<Suggestion, 'source' | 'target'>) => `${endName(s.source)} → ${endName(s.target)}`;

/** 0.923 → 92 (rounded down, so 100% means all of them). */
export const percent = (share: number) => Math.floor(Math.min(1, Math.max(0, share)) * 100 + 1e-9);

/**
 * Why a relationship type cannot be sent, or null when it can: not empty, at most 128 characters, no
 * control characters (the server's own rule, checked here so the button can say so before the call).
 */
export function typeProblem(type: string): string | null {
  if (type.trim() === '') return 'Enter a relationship type.';
  if (type.length > MAX_TYPE_LENGTH) return `At most ${MAX_TYPE_LENGTH} characters.`;
  if (/[\u0000-\u001f]/.test(type)) return 'No control characters.';
  return null;
}

/** React Query's refetchInterval for the analysis: every second while it runs, else now and then for analyses after writes. */
export const pollAnalysis = (query: { state: { data?: Analysis } }): number =>
  query.state.data?.status === 'running' ? 1_000 : 15_000;

/** Analysis progress, 0–100. */
export const progressPercent = ({ done, total }: Analysis['progress']) => percentOf(done, total);
