'use client';

import type { ColorOf } from './graph-style';
import { edgeKey, nodeName, type Graph, type GraphNode } from './types';

/** "+k more" on a node: expands it, or for a start record (already expanded) asks for a bigger budget. */
export function MoreButton({
  node,
  canRaise,
  onExpand,
  onRaise,
}: {
  node: GraphNode;
  canRaise: boolean;
  onExpand: (id: string) => void;
  onRaise: () => void;
}) {
  if (node.hidden === 0) return null;
  const text = `+${node.hidden.toLocaleString()} more`;
  if (!node.start) {
    return (
      <button
        type="button"
        className="link-button graph-more"
        aria-label={`Expand ${nodeName(node)} (${text})`}
        onClick={() => onExpand(node.id)}
      >
        {text}
      </button>
    );
  }
  if (!canRaise) return <span className="muted graph-more">{text}</span>;
  return (
    <button
      type="button"
      className="link-button graph-more"
      aria-label={`Show more nodes around ${nodeName(node)} (${text})`}
      onClick={onRaise}
    >
      {text}
    </button>
  );
}

/**
 * The nodes and edges on the canvas as lists: what assistive technology (and the tests) read, and a way
 * to select and expand nodes with the keyboard.
 */
export function GraphLists({
  graph,
  colorOf,
  expanded,
  selected,
  canRaise,
  onSelect,
  onExpand,
  onRaise,
}: {
  graph: Graph;
  colorOf: ColorOf;
  expanded: string[];
  selected: string | null;
  canRaise: boolean;
  onSelect: (id: string) => void;
  onExpand: (id: string) => void;
  onRaise: () => void;
}) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const name = (id: string) => {
    const n = byId.get(id);
    return n ? nodeName(n) : id;
  };
  return (
    <div className="graph-lists">
      <h2 className="graph-list-heading">
        Nodes <span className="count">({graph.nodes.length.toLocaleString()})</span>
      </h2>
      <ul aria-label="Graph nodes" className="graph-list">
        {graph.nodes.map((n) => (
          <li key={n.id} className="graph-node-item">
            <span className="graph-swatch" style={{ background: colorOf(n.label) }} aria-hidden="true" />
            <button
              type="button"
              className="link-button graph-node-name"
              aria-pressed={selected === n.id}
              onClick={() => onSelect(n.id)}
            >
              {nodeName(n)}
            </button>{' '}
            <span className="muted graph-node-label">{n.label}</span>
            {n.start ? (
              <>
                {' '}
                <span className="badge graph-start-badge">{expanded.includes(n.id) ? 'expanded' : 'start'}</span>
              </>
            ) : null}{' '}
            <MoreButton node={n} canRaise={canRaise} onExpand={onExpand} onRaise={onRaise} />
          </li>
        ))}
      </ul>
      <h2 className="graph-list-heading">
        Relationships <span className="count">({graph.edges.length.toLocaleString()})</span>
      </h2>
      {graph.edges.length === 0 ? <p className="muted">None among these nodes.</p> : null}
      <ul aria-label="Graph edges" className="graph-list">
        {graph.edges.map((e) => (
          <li key={edgeKey(e)}>
            {name(e.sourceId)} <span className="graph-edge-type">{e.type}</span> <span aria-hidden="true">→</span>{' '}
            {name(e.targetId)}
          </li>
        ))}
      </ul>
    </div>
  );
}
