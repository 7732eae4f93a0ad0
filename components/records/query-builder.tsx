'use client';

import { createContext, useContext, useId } from 'react';
import { ID_PROP, operandOf, operatorById, operatorsFor, VALUE_TYPES, type OperatorId } from './filter';
import {
  MAX_HOPS,
  newCondition,
  newGroup,
  newRelated,
  type BuildError,
  type ConditionNode,
  type GroupNode,
  type QueryNode,
  type RawNode,
  type RelatedNode,
} from './query-model';
import type { SchemaHints } from './use-schema-hints';

/** What every row needs: suggestions, the errors to show, and a way to change the tree. */
type BuilderContext = {
  hints: SchemaHints;
  errors: Map<string, BuildError[]>;
  /** After an Apply was refused every error shows; before, only those about something typed. */
  attempted: boolean;
  /** The server's error, on the row its path points to. */
  flagged: { id: string; message: string } | null;
  update: (id: string, fn: (n: QueryNode) => QueryNode | null) => void;
};

const Ctx = createContext<BuilderContext | null>(null);
const useBuilder = () => {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('builder rows need a <QueryBuilder>');
  return ctx;
};

export function QueryBuilder({ tree, ...ctx }: BuilderContext & { tree: GroupNode }) {
  return (
    <Ctx.Provider value={ctx}>
      <GroupView group={tree} scope={null} variant="root" />
    </Ctx.Provider>
  );
}

/** The messages for one row: its own errors (those worth showing yet) and the server's. */
function useRowErrors(id: string, typed: (field: BuildError['field']) => boolean) {
  const { errors, attempted, flagged } = useBuilder();
  const own = (errors.get(id) ?? []).filter((e) => attempted || e.field === 'json' || typed(e.field));
  // The builder's own message says it better when it has one; otherwise the server's.
  const server = flagged?.id === id && own.length === 0 ? flagged.message : null;
  return {
    own,
    server,
    invalid: (field: BuildError['field']) =>
      own.some((e) => e.field === field) || (flagged?.id === id && field !== 'prop'),
  };
}

function RowErrors({ id, own, server }: { id: string; own: BuildError[]; server: string | null }) {
  if (own.length === 0 && !server) return null;
  return (
    <p id={id} className="qb-error">
      {[...own.map((e) => e.message), ...(server ? [server] : [])].join(' ')}
    </p>
  );
}

function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button
      type="button"
      className="button button-quiet button-small qb-remove"
      aria-label={label}
      title={label}
      onClick={onClick}
    >
      <span aria-hidden="true">×</span>
    </button>
  );
}

const GROUP_NAMES = {
  root: 'Query conditions',
  nested: 'Nested group',
  related: 'Conditions on the related record',
} as const;

function describeGroup(g: GroupNode): string {
  if (g.op === 'and') return g.not ? 'not all of these' : 'all of these';
  return g.not ? 'none of these' : 'any of these';
}

function GroupView({
  group,
  scope,
  variant,
  relatedLabel,
}: {
  group: GroupNode;
  scope: string | null;
  variant: keyof typeof GROUP_NAMES;
  relatedLabel?: string;
}) {
  const { update } = useBuilder();
  const id = useId();
  const set = (patch: Partial<GroupNode>) => update(group.id, (n) => ({ ...(n as GroupNode), ...patch }));
  const add = (node: QueryNode) =>
    update(group.id, (n) => ({ ...(n as GroupNode), items: [...(n as GroupNode).items, node] }));
  const name =
    variant === 'related' && relatedLabel ? `Conditions on the related ${relatedLabel} record` : GROUP_NAMES[variant];
  const connector = group.op === 'and' ? 'AND' : 'OR';

  return (
    <fieldset className={`qb-group qb-group-${variant}${group.not ? ' qb-group-not' : ''}`}>
      <legend className="visually-hidden">{name}</legend>
      <div className="qb-group-head">
        <div className="qb-seg" role="radiogroup" aria-label="Combine with">
          {(['and', 'or'] as const).map((op) => (
            <label key={op} className="qb-seg-option">
              <input type="radio" name={`${id}-op`} value={op} checked={group.op === op} onChange={() => set({ op })} />
              <span>{op.toUpperCase()}</span>
            </label>
          ))}
        </div>
        <label className="qb-check">
          <input type="checkbox" checked={group.not} onChange={(e) => set({ not: e.target.checked })} />
          <span>NOT</span>
        </label>
        <span className="qb-group-desc muted">
          {variant === 'related' ? 'where the linked record matches ' : 'match '}
          {describeGroup(group)}
        </span>
        {variant === 'nested' ? (
          <RemoveButton label="Remove group" onClick={() => update(group.id, () => null)} />
        ) : null}
      </div>

      {group.items.length > 0 ? (
        <ul className="qb-items">
          {group.items.map((n, i) => (
            <li key={n.id} className={`qb-item qb-item-${n.kind}`}>
              <span className="qb-connector" aria-hidden="true">
                {i === 0 ? 'WHERE' : connector}
              </span>
              <NodeView node={n} scope={scope} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="qb-empty muted">
          {variant === 'related' ? 'No conditions: any linked record will do.' : 'No conditions.'}
        </p>
      )}

      <div className="qb-add">
        <button
          type="button"
          className="button button-quiet button-small"
          aria-label="Add condition"
          onClick={() => add(newCondition())}
        >
          + condition
        </button>
        <button
          type="button"
          className="button button-quiet button-small"
          aria-label="Add group"
          onClick={() => add(newGroup())}
        >
          + group
        </button>
        <button
          type="button"
          className="button button-quiet button-small"
          aria-label="Add related label"
          onClick={() => add(newRelated())}
        >
          + related label
        </button>
      </div>
    </fieldset>
  );
}

function NodeView({ node, scope }: { node: QueryNode; scope: string | null }) {
  switch (node.kind) {
    case 'group':
      return <GroupView group={node} scope={scope} variant="nested" />;
    case 'cond':
      return <ConditionRow node={node} scope={scope} />;
    case 'related':
      return <RelatedRow node={node} scope={scope} />;
    case 'raw':
      return <RawRow node={node} />;
  }
}

const VALUE_PLACEHOLDER: Record<string, string> = {
  scalar: 'value',
  list: 'a, b, c',
  text: 'text',
  integer: 'whole number',
};

function ConditionRow({ node, scope }: { node: ConditionNode; scope: string | null }) {
  const { hints, update } = useBuilder();
  const id = useId();
  const set = (patch: Partial<ConditionNode>) => update(node.id, (n) => ({ ...(n as ConditionNode), ...patch }));
  const prop = node.prop.trim();
  const props = hints.props(scope);
  const hint = props.find((p) => p.name === prop);
  const types = hint?.types;
  const op = operatorById(node.op)!;
  const operand = prop ? operandOf(node.op, node.value, types) : null;
  const { own, server, invalid } = useRowErrors(node.id, (field) =>
    field === 'value' ? node.value.trim() !== '' : field === 'prop' && prop !== '',
  );
  const errorId = `${id}-error`;
  const described = own.length > 0 || server ? errorId : operand?.ok && operand.note ? `${id}-note` : undefined;

  const changeOp = (next: OperatorId) => {
    const takes = operatorById(next)!.takes;
    const value =
      takes === 'boolean'
        ? node.value === 'false'
          ? 'false'
          : 'true'
        : takes === 'type'
          ? (VALUE_TYPES as readonly string[]).includes(node.value)
            ? node.value
            : (types?.[0] ?? 'string')
          : op.takes === 'boolean' || op.takes === 'type'
            ? ''
            : node.value;
    set({ op: next, value });
  };

  const onlyDatetime = types !== undefined && types.length > 0 && types.every((t) => t === 'datetime' || t === 'null');
  const onlyNumber = types !== undefined && types.length > 0 && types.every((t) => t === 'number' || t === 'null');
  const placeholder =
    op.takes === 'compare'
      ? onlyDatetime
        ? '2024-01-31'
        : onlyNumber
          ? 'number'
          : 'number, date or text'
      : (VALUE_PLACEHOLDER[op.takes] ?? 'value');
  const suggestions = [
    ...(hint?.samples ?? []),
    ...(types?.some((t) => t.startsWith('boolean')) ? ['true', 'false'] : []),
  ];

  let valueControl: React.ReactNode;
  if (op.takes === 'boolean') {
    valueControl = (
      <select
        id={`${id}-value`}
        className="qb-value"
        value={node.value}
        onChange={(e) => set({ value: e.target.value })}
      >
        <option value="true">yes</option>
        <option value="false">no</option>
      </select>
    );
  } else if (op.takes === 'type') {
    valueControl = (
      <select
        id={`${id}-value`}
        className="qb-value"
        value={node.value}
        onChange={(e) => set({ value: e.target.value })}
      >
        {VALUE_TYPES.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
    );
  } else {
    valueControl = (
      <>
        <input
          id={`${id}-value`}
          className="qb-value"
          value={node.value}
          onChange={(e) => set({ value: e.target.value })}
          placeholder={placeholder}
          list={suggestions.length > 0 ? `${id}-values` : undefined}
          inputMode={op.takes === 'integer' ? 'numeric' : undefined}
          autoComplete="off"
          aria-invalid={invalid('value') ? true : undefined}
          aria-describedby={described}
        />
        {suggestions.length > 0 ? (
          <datalist id={`${id}-values`}>
            {suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        ) : null}
      </>
    );
  }

  return (
    <div className="qb-cond">
      <div className="qb-row">
        <label className="visually-hidden" htmlFor={`${id}-prop`}>
          Property
        </label>
        <input
          id={`${id}-prop`}
          className="qb-prop"
          list={`${id}-props`}
          value={node.prop}
          onChange={(e) => set({ prop: e.target.value })}
          placeholder="property"
          autoComplete="off"
          maxLength={256}
          aria-invalid={invalid('prop') ? true : undefined}
          aria-describedby={own.some((e) => e.field === 'prop') ? errorId : undefined}
        />
        <datalist id={`${id}-props`}>
          {props.map((p) => (
            <option key={p.name} value={p.name}>
              {p.types.join(', ')}
            </option>
          ))}
          <option value={ID_PROP}>record id</option>
        </datalist>
        <label className="visually-hidden" htmlFor={`${id}-op`}>
          Operator
        </label>
        <select
          id={`${id}-op`}
          className="qb-op"
          value={node.op}
          onChange={(e) => changeOp(e.target.value as OperatorId)}
        >
          {operatorsFor(prop, types, node.op).map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
        <label className="visually-hidden" htmlFor={`${id}-value`}>
          Value
        </label>
        {valueControl}
        <span id={`${id}-note`} className="qb-note" title={types ? `${prop}: ${types.join(', ')}` : undefined}>
          {operand?.ok ? operand.note : ''}
        </span>
        <RemoveButton label="Remove condition" onClick={() => update(node.id, () => null)} />
      </div>
      <RowErrors id={errorId} own={own} server={server} />
    </div>
  );
}

function RelatedRow({ node, scope }: { node: RelatedNode; scope: string | null }) {
  const { hints, update } = useBuilder();
  const id = useId();
  const set = (patch: Partial<RelatedNode>) => update(node.id, (n) => ({ ...(n as RelatedNode), ...patch }));
  const label = node.label.trim();
  const { own, server, invalid } = useRowErrors(node.id, (field) => field === 'label' && label !== '');
  const errorId = `${id}-error`;
  const hops = Array.from({ length: Math.max(MAX_HOPS, node.hops) }, (_, i) => i + 1);

  return (
    <div className="qb-related">
      <div className="qb-row">
        <span className="qb-rel-word">linked to</span>
        <label className="visually-hidden" htmlFor={`${id}-label`}>
          Related label
        </label>
        <input
          id={`${id}-label`}
          className="qb-label"
          list={`${id}-labels`}
          value={node.label}
          onChange={(e) => set({ label: e.target.value })}
          placeholder="label"
          autoComplete="off"
          maxLength={128}
          aria-invalid={invalid('label') ? true : undefined}
          aria-describedby={own.length > 0 || server ? errorId : undefined}
        />
        <datalist id={`${id}-labels`}>
          {hints.relatedLabels(scope).map((l) => (
            <option key={l} value={l} />
          ))}
        </datalist>
        <label className="visually-hidden" htmlFor={`${id}-type`}>
          Relationship type
        </label>
        <input
          id={`${id}-type`}
          className="qb-reltype"
          list={`${id}-types`}
          value={node.type}
          onChange={(e) => set({ type: e.target.value })}
          placeholder="any relationship"
          autoComplete="off"
          maxLength={128}
        />
        <datalist id={`${id}-types`}>
          {hints.relationshipTypes(scope, label).map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        <label className="visually-hidden" htmlFor={`${id}-dir`}>
          Direction
        </label>
        <select
          id={`${id}-dir`}
          className="qb-dir"
          value={node.direction}
          onChange={(e) => set({ direction: e.target.value as RelatedNode['direction'] })}
        >
          <option value="any">either way</option>
          <option value="out">outgoing →</option>
          <option value="in">← incoming</option>
        </select>
        <label className="visually-hidden" htmlFor={`${id}-hops`}>
          Hops
        </label>
        <select
          id={`${id}-hops`}
          className="qb-hops"
          value={node.hops}
          onChange={(e) => set({ hops: Number(e.target.value) })}
        >
          {hops.map((h) => (
            <option key={h} value={h}>
              {h === 1 ? '1 hop' : `${h} hops`}
            </option>
          ))}
        </select>
        <RemoveButton label="Remove related label" onClick={() => update(node.id, () => null)} />
      </div>
      <RowErrors id={errorId} own={own} server={server} />
      <GroupView group={node.where} scope={label} variant="related" relatedLabel={label || undefined} />
    </div>
  );
}

function RawRow({ node }: { node: RawNode }) {
  const { update } = useBuilder();
  const id = useId();
  const { own, server } = useRowErrors(node.id, () => true);
  return (
    <div className="qb-raw">
      <div className="qb-row">
        <label className="visually-hidden" htmlFor={`${id}-json`}>
          Condition (JSON)
        </label>
        <textarea
          id={`${id}-json`}
          className="json-input qb-json"
          rows={Math.min(6, Math.max(1, Math.ceil(node.text.length / 70)))}
          value={node.text}
          onChange={(e) => update(node.id, (n) => ({ ...(n as RawNode), text: e.target.value }))}
          spellCheck={false}
          aria-invalid={own.length > 0 || server ? true : undefined}
          aria-describedby={`${id}-about${own.length > 0 || server ? ` ${id}-error` : ''}`}
        />
        <RemoveButton label="Remove condition" onClick={() => update(node.id, () => null)} />
      </div>
      <p id={`${id}-about`} className="hint">
        The builder has no row for this condition; it is sent as written.
      </p>
      <RowErrors id={`${id}-error`} own={own} server={server} />
    </div>
  );
}
