/**
 * What a version changed against the one before it, property by property: added, removed or changed
 * (a value or its type). A create lists every property as added; a delete, every one as removed.
 */
export type Version = {
  version: number;
  change: 'create' | 'update' | 'delete' | 'snapshot';
  data: Record<string, unknown> | null;
  types: Record<string, string> | null;
};

export type PropertyChange = {
  name: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
  typeBefore?: string;
  typeAfter?: string;
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function diffVersions(previous: Version | undefined, current: Version): PropertyChange[] {
  const before = previous?.data ?? {};
  const after = current.data ?? {};
  const tb = previous?.types ?? {};
  const ta = current.types ?? {};
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort((a, b) => a.localeCompare(b));
  const out: PropertyChange[] = [];
  for (const name of names) {
    const inBefore = Object.hasOwn(before, name);
    const inAfter = Object.hasOwn(after, name);
    if (!inBefore && inAfter) out.push({ name, kind: 'added', after: after[name], typeAfter: ta[name] });
    else if (inBefore && !inAfter) out.push({ name, kind: 'removed', before: before[name], typeBefore: tb[name] });
    else if (!same(before[name], after[name]) || tb[name] !== ta[name])
      out.push({
        name,
        kind: 'changed',
        before: before[name],
        after: after[name],
        typeBefore: tb[name],
        typeAfter: ta[name],
      });
  }
  return out;
}
