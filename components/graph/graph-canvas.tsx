'use client';

import type { Core, ElementDefinition, Layouts } from 'cytoscape';
import { useEffect, useRef, useState } from 'react';
import { ErrorMessage } from '@/components/ui/error-message';
import { graphStyle, type ColorOf } from './graph-style';
import { edgeKey, nodeName, type Graph } from './types';

let registered = false;
const MAX_FIT_ZOOM = 1.4;

/** Cytoscape and its layout load in the browser only, on first use (they touch `window` when imported). */
async function loadCytoscape() {
  const [{ default: cytoscape }, { default: fcose }] = await Promise.all([
    import('cytoscape'),
    import('cytoscape-fcose'),
  ]);
  if (!registered) {
    cytoscape.use(fcose);
    registered = true;
  }
  return cytoscape;
}

const nodeData = (n: Graph['nodes'][number], colorOf: ColorOf) => ({
  id: n.id,
  display: n.hidden > 0 ? `${nodeName(n)}\n+${n.hidden}` : nodeName(n),
  color: colorOf(n.label),
  start: n.start,
  hidden: n.hidden,
});

/**
 * Brings the canvas to the graph: removes what left, updates what stayed, and adds what came, placing a
 * new node next to a neighbour already on the canvas so the layout refines the picture instead of
 * redrawing it (the reader keeps their bearings after an expansion).
 */
function sync(cy: Core, graph: Graph, colorOf: ColorOf): { added: number; first: boolean } {
  const first = cy.nodes().length === 0;
  const wanted = new Set([...graph.nodes.map((n) => n.id), ...graph.edges.map(edgeKey)]);
  cy.elements()
    .filter((el) => !wanted.has(el.id()))
    .remove();
  const fresh: ElementDefinition[] = [];
  for (const n of graph.nodes) {
    const el = cy.getElementById(n.id);
    if (el.nonempty()) el.data(nodeData(n, colorOf));
    else {
      const near = graph.edges
        .map((e) => (e.sourceId === n.id ? e.targetId : e.targetId === n.id ? e.sourceId : null))
        .find((id) => id && cy.getElementById(id).nonempty());
      const at = near ? cy.getElementById(near).position() : { x: 0, y: 0 };
      fresh.push({
        group: 'nodes',
        data: nodeData(n, colorOf),
        position: { x: at.x + (Math.random() - 0.5) * 60, y: at.y + (Math.random() - 0.5) * 60 },
      });
    }
  }
  for (const e of graph.edges) {
    if (cy.getElementById(edgeKey(e)).empty())
      fresh.push({ group: 'edges', data: { id: edgeKey(e), source: e.sourceId, target: e.targetId, type: e.type } });
  }
  cy.add(fresh);
  return { added: fresh.length, first };
}

/**
 * The graph drawn with Cytoscape and laid out with fCoSE. Pointer users tap a node to select it (and
 * expand it); everything here is also in the accessible lists beside the canvas, which is hidden from
 * assistive technology.
 */
export function GraphCanvas({
  graph,
  colorOf,
  selected,
  onTap,
}: {
  graph: Graph;
  colorOf: ColorOf;
  selected: string | null;
  onTap: (id: string | null) => void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const [cy, setCy] = useState<Core | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const layout = useRef<Layouts | null>(null);
  const tap = useRef(onTap);
  useEffect(() => {
    tap.current = onTap;
  }, [onTap]);

  useEffect(() => {
    let instance: Core | null = null;
    let cancelled = false;
    loadCytoscape()
      .then((cytoscape) => {
        if (cancelled || !container.current) return;
        instance = cytoscape({
          container: container.current,
          style: graphStyle(container.current),
          autounselectify: true,
          boxSelectionEnabled: false,
          minZoom: 0.1,
          maxZoom: 3,
        });
        instance.on('tap', (e) =>
          tap.current(e.target === instance ? null : e.target.isNode() ? (e.target.id() as string) : null),
        );
        setCy(instance);
      })
      .catch((e: unknown) => setFailed(e));
    return () => {
      cancelled = true;
      layout.current?.stop();
      instance?.destroy();
    };
  }, []);

  useEffect(() => {
    if (!cy) return;
    const { added, first } = sync(cy, graph, colorOf);
    if (added === 0 || cy.nodes().length === 0) return;
    const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    layout.current?.stop();
    // Incremental runs keep the current positions (fCoSE wants quality "proof" for that).
    const run = cy.layout({
      name: 'fcose',
      randomize: first,
      quality: first ? 'default' : 'proof',
      animate: !first && !still,
      animationDuration: 400,
      fit: true,
      padding: 30,
      packComponents: false,
      nodeRepulsion: () => 6000,
      idealEdgeLength: () => 90,
      nodeSeparation: 90,
      // Stronger than the default pull to the centre, so separate components sit close instead of at the corners.
      gravity: 1.2,
      gravityRange: 1.5,
    } as Parameters<Core['layout']>[0]);
    // data-layout says when the nodes have stopped moving (tests wait for it before tapping one).
    const el = container.current;
    if (el) el.dataset.layout = 'running';
    run.one('layoutstop', () => {
      if (layout.current !== run) return;
      if (el) el.dataset.layout = 'done';
      // A small graph fitted to the canvas would be drawn huge: keep it at a readable size.
      if (cy.zoom() > MAX_FIT_ZOOM) {
        cy.zoom(MAX_FIT_ZOOM);
        cy.center();
      }
    });
    layout.current = run;
    run.run();
  }, [cy, graph, colorOf]);

  useEffect(() => {
    if (!cy) return;
    cy.nodes('.picked').removeClass('picked');
    if (selected) cy.getElementById(selected).addClass('picked');
  }, [cy, graph, selected]);

  return (
    <div className="graph-canvas-wrap">
      {failed ? <ErrorMessage error={failed} title="The graph could not be drawn." /> : null}
      <div
        ref={container}
        className="graph-canvas"
        data-testid="graph-canvas"
        aria-hidden="true"
        data-ready={cy ? 'true' : undefined}
      />
    </div>
  );
}
