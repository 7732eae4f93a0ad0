import type { StylesheetJson } from 'cytoscape';

/** Label colours, readable on the light and the dark surface alike. */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#b07aa1',
  '#edc948',
  '#9c755f',
  '#ff9da7',
  '#6b8e23',
];

export type ColorOf = (label: string) => string;

/**
 * Colours by the label's place among the project's labels (sorted), so up to ten labels never share
 * one; a label the list does not know yet gets one from its name.
 */
export function labelColors(labels: string[]): ColorOf {
  const index = new Map([...labels].sort().map((l, i) => [l, i]));
  return (label) => {
    let i = index.get(label);
    if (i === undefined) {
      i = 0;
      for (const ch of label) i = (i * 31 + ch.codePointAt(0)!) >>> 0;
    }
    return PALETTE[i % PALETTE.length]!;
  };
}

/** The console's colours, read from its CSS variables so the canvas follows light and dark mode. */
function themeOf(el: Element) {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#1c2330'),
    muted: v('--muted', '#5d6675'),
    line: v('--border-strong', '#b9c0cc'),
    accent: v('--accent', '#2f5bd3'),
    surface: v('--surface', '#fff'),
  };
}

export function graphStyle(el: Element): StylesheetJson {
  const t = themeOf(el);
  return [
    {
      selector: 'node',
      style: {
        'background-color': 'data(color)',
        label: 'data(display)',
        color: t.text,
        'font-size': 11,
        'text-valign': 'bottom',
        'text-margin-y': 4,
        'text-wrap': 'wrap',
        'text-max-width': '120px',
        'text-background-color': t.surface,
        'text-background-opacity': 0.8,
        'text-background-padding': '1px',
        width: 22,
        height: 22,
        // Zoomed out on a big graph, names would be an unreadable smear: they show again when zoomed in.
        'min-zoomed-font-size': 7,
      },
    },
    { selector: 'node[?start]', style: { 'border-width': 3, 'border-color': t.text, width: 28, height: 28 } },
    { selector: 'node[hidden > 0]', style: { 'border-style': 'dashed', 'border-width': 2, 'border-color': t.muted } },
    {
      selector: 'node.picked',
      style: { 'border-width': 4, 'border-style': 'solid', 'border-color': t.accent, 'overlay-opacity': 0 },
    },
    {
      selector: 'edge',
      style: {
        width: 1.5,
        'line-color': t.line,
        'target-arrow-color': t.line,
        'target-arrow-shape': 'triangle',
        'curve-style': 'bezier',
        label: 'data(type)',
        'font-size': 9,
        color: t.muted,
        'text-rotation': 'autorotate',
        'min-zoomed-font-size': 8,
        'text-background-color': t.surface,
        'text-background-opacity': 0.8,
      },
    },
  ];
}
