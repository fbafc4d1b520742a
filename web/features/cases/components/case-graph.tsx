import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ObjectView } from '../../../app/types';
import { objectLabel, refs, text, typeName } from './cases';
import '../i18n';

/** Colour group of a type (styles.css: .graph-node-<group>). */
function groupOf(type: string): string {
  switch (type) {
    case 'indicator':
    case 'ipv4-addr':
    case 'ipv6-addr':
    case 'domain-name':
    case 'url':
    case 'file':
    case 'email-addr':
      return 'indicator';
    case 'malware':
    case 'attack-pattern':
    case 'tool':
      return 'capability';
    case 'threat-actor':
    case 'intrusion-set':
    case 'campaign':
      return 'actor';
    default:
      return 'context';
  }
}

const GROUPS = ['indicator', 'capability', 'actor', 'context'] as const;

interface Point {
  x: number;
  y: number;
}

/** `from` moved `by` towards `to`. */
function towards(from: Point, to: Point, by: number): Point {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const length = Math.hypot(dx, dy) || 1;
  return { x: from.x + (dx / length) * by, y: from.y + (dy / length) * by };
}

function shorten(label: string, max = 28): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

const NODE_RADIUS = 9;
const LABEL_ROOM = 190;

/**
 * The case as a drawing: its objects on a circle, relationships as arrows named by their
 * type, and the references of reports, notes, opinions and sightings as dashed lines (to
 * the middle of the arrow when they are about a relationship).
 */
export function CaseGraph({
  objects,
  byId,
}: {
  objects: readonly ObjectView[];
  byId: ReadonlyMap<string, ObjectView>;
}) {
  const { t } = useTranslation();
  const marker = `arrow-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const nodes = objects.filter((o) => o.type !== 'relationship');
  const relationships = objects.filter((o) => o.type === 'relationship');
  if (nodes.length === 0) {
    return (
      <div className="empty">
        <p>{t('cases.graph.none')}</p>
      </div>
    );
  }

  const radius = Math.max(120, nodes.length * 16);
  const width = 2 * (radius + LABEL_ROOM);
  const height = 2 * radius + 80;
  const center = { x: width / 2, y: height / 2 };
  const position = new Map<string, Point>();
  nodes.forEach((node, index) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * index) / nodes.length;
    position.set(node.id, {
      x: center.x + radius * Math.cos(angle),
      y: center.y + radius * Math.sin(angle),
    });
  });

  const arrows = relationships.flatMap((rel) => {
    const from = position.get(text(rel.object, 'source_ref'));
    const to = position.get(text(rel.object, 'target_ref'));
    if (!from || !to) return [];
    const start = towards(from, to, NODE_RADIUS);
    const end = towards(to, from, NODE_RADIUS + 2);
    const middle = { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 };
    return [{ rel, start, end, middle }];
  });
  const middles = new Map(arrows.map((arrow) => [arrow.rel.id, arrow.middle]));

  // Dashed: what reports, notes, opinions and sightings refer to; dotted: an attribution's evidence.
  const dashed: { key: string; from: Point; to: Point; evidence: boolean }[] = [];
  for (const node of nodes) {
    const from = position.get(node.id);
    if (!from) continue;
    for (const ref of [
      ...refs(node.object, 'object_refs'),
      ...refs(node.object, 'sighting_of_ref'),
      ...refs(node.object, 'where_sighted_refs'),
    ]) {
      const to = position.get(ref) ?? middles.get(ref);
      if (to) dashed.push({ key: `${node.id}>${ref}`, from, to, evidence: false });
    }
  }
  for (const arrow of arrows) {
    for (const ref of refs(arrow.rel.object, 'x_liaison_evidence_refs')) {
      const to = position.get(ref);
      if (to)
        dashed.push({ key: `${arrow.rel.id}>${ref}`, from: arrow.middle, to, evidence: true });
    }
  }

  const description = t('cases.graph.description', {
    objects: nodes.length,
    relationships: arrows.length,
  });
  return (
    <figure className="case-graph">
      <div className="graph-scroll">
        <svg
          role="img"
          aria-label={description}
          viewBox={`0 0 ${width} ${height}`}
          width={width}
          height={height}
          data-testid="case-graph"
        >
          <defs>
            <marker
              id={marker}
              viewBox="0 0 10 10"
              refX="10"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M 0 0 L 10 5 L 0 10 z" className="graph-arrowhead" />
            </marker>
          </defs>
          {dashed.map((line) => (
            <line
              key={line.key}
              x1={line.from.x}
              y1={line.from.y}
              x2={line.to.x}
              y2={line.to.y}
              className={line.evidence ? 'graph-evidence' : 'graph-ref'}
            />
          ))}
          {arrows.map(({ rel, start, end, middle }) => (
            <g
              key={rel.id}
              className={rel.revoked ? 'graph-edge graph-revoked' : 'graph-edge'}
              data-testid="graph-edge"
            >
              <title>{objectLabel(t, rel, byId)}</title>
              <line x1={start.x} y1={start.y} x2={end.x} y2={end.y} markerEnd={`url(#${marker})`} />
              <text x={middle.x} y={middle.y - 4} textAnchor="middle" className="graph-edge-label">
                {text(rel.object, 'relationship_type')}
                {typeof rel.object['confidence'] === 'number'
                  ? ` (${String(rel.object['confidence'])})`
                  : ''}
              </text>
            </g>
          ))}
          {nodes.map((node) => {
            const at = position.get(node.id);
            if (!at) return null;
            const right = at.x >= center.x - 1;
            const label = objectLabel(t, node, byId);
            return (
              <g
                key={node.id}
                className={`graph-node graph-node-${groupOf(node.type)}${
                  node.revoked ? ' graph-revoked' : ''
                }`}
                data-testid="graph-node"
              >
                <title>{`${typeName(t, node.type)}: ${label}`}</title>
                <circle cx={at.x} cy={at.y} r={NODE_RADIUS} />
                <text
                  x={at.x + (right ? NODE_RADIUS + 5 : -(NODE_RADIUS + 5))}
                  y={at.y + 4}
                  textAnchor={right ? 'start' : 'end'}
                >
                  {shorten(label)}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption>
        <ul className="graph-legend">
          {GROUPS.map((group) => (
            <li key={group}>
              <svg width="14" height="14" aria-hidden="true">
                <circle cx="7" cy="7" r="6" className={`graph-node-${group} graph-swatch`} />
              </svg>
              {t(`cases.graph.groups.${group}`)}
            </li>
          ))}
          <li>
            <svg width="28" height="10" aria-hidden="true">
              <line x1="0" y1="5" x2="28" y2="5" className="graph-ref" />
            </svg>
            {t('cases.graph.refs')}
          </li>
          <li>
            <svg width="28" height="10" aria-hidden="true">
              <line x1="0" y1="5" x2="28" y2="5" className="graph-evidence" />
            </svg>
            {t('cases.graph.evidence')}
          </li>
        </ul>
      </figcaption>
    </figure>
  );
}
