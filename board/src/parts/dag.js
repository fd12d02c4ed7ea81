// The job's DAG laid out by dagre (layered, top to bottom, as FATE-Board draws it) and drawn as
// SVG: each component a box coloured by its status; clicking one selects it.
import dagre from '@dagrejs/dagre';
import { html } from '../html.js';

const W = 150;
const H = 36;

/** `idle` is the status of a component with no task on this node (waiting, or not run here). */
export function Dag({ dependency, statuses, selected, onSelect, idle = 'waiting' }) {
  if (!dependency) return html`<p class="empty">No DAG.</p>`;
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 30, ranksep: 40, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const name of dependency.component_list) g.setNode(name, { width: W, height: H });
  for (const [name, ups] of Object.entries(dependency.dependencies ?? {})) {
    for (const up of ups) g.setEdge(up.component_name, name, { type: up.type });
  }
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph();
  return html`
    <svg class="dag" width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`}>
      <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#8a9bb0" /></marker></defs>
      ${g.edges().map((e) => {
        const points = g.edge(e).points;
        return html`<polyline class=${`edge edge-${g.edge(e).type}`} points=${points.map((p) => `${p.x},${p.y}`).join(' ')} marker-end="url(#arrow)" />`;
      })}
      ${g.nodes().map((name) => {
        const n = g.node(name);
        const status = statuses[name] ?? idle;
        return html`
          <g class=${`node status-${status}${selected === name ? ' selected' : ''}`} data-component=${name} data-status=${status}
             transform=${`translate(${n.x - W / 2},${n.y - H / 2})`} onClick=${() => onSelect(name)}>
            <rect width=${W} height=${H} rx="6" />
            <text x=${W / 2} y=${H / 2 + 1} dominant-baseline="middle" text-anchor="middle">${name}</text>
            <title>${`${name} (${dependency.component_module?.[name] ?? ''}): ${status}`}</title>
          </g>`;
      })}
    </svg>`;
}
