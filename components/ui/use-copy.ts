'use client';

import { useCallback, useState } from 'react';

export type CopyState<K extends string> = { kind: K; result: 'copied' | 'manual' } | null;

/**
 * Copies text to the clipboard; where that is not available (not a secure context, permission refused)
 * selects the element's text instead so Ctrl+C (⌘C) works. `clear` forgets the last outcome.
 */
export function useCopy<K extends string>(): [
  CopyState<K>,
  (kind: K, text: string, fallback: HTMLElement | null) => Promise<void>,
  () => void,
] {
  const [state, setState] = useState<CopyState<K>>(null);
  const copy = useCallback(async (kind: K, text: string, fallback: HTMLElement | null) => {
    try {
      // navigator.clipboard exists only in secure contexts (https or localhost).
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setState({ kind, result: 'copied' });
    } catch {
      if (fallback) window.getSelection()?.selectAllChildren(fallback);
      setState({ kind, result: 'manual' });
    }
  }, []);
  const clear = useCallback(() => setState(null), []);
  return [state, copy, clear];
}
