import { describe, expect, it } from 'vitest';
import { queryTerms, splitByTerms } from './highlight';
import { searchCurl, searchSdkCall } from './search-export';
import {
  addCondition,
  helperValue,
  parseVector,
  parseWhere,
  readSearchView,
  searchInputOf,
  searchViewQuery,
  vectorTooLong,
} from './search-params';

describe('search view in the URL', () => {
  it('round-trips, leaving defaults out', () => {
    const view = {
      label: 'Memory',
      property: 'text',
      q: 'sushi',
      mode: 'semantic' as const,
      where: '{"user":"alice"}',
      limit: 50,
      keywordWeight: 0.8,
    };
    const query = searchViewQuery(view);
    expect(query).toBe(
      '?label=Memory&property=text&q=sushi&mode=semantic&where=%7B%22user%22%3A%22alice%22%7D&limit=50',
    );
    expect(readSearchView(new URLSearchParams(query.slice(1)))).toEqual(view);
    expect(searchViewQuery({ ...view, mode: 'hybrid', limit: 20, where: '  ' })).toBe(
      '?label=Memory&property=text&q=sushi',
    );
    const weighted = { ...view, mode: 'hybrid' as const, keywordWeight: 0.5 };
    expect(searchViewQuery(weighted)).toContain('kw=0.5');
    expect(readSearchView(new URLSearchParams(searchViewQuery(weighted).slice(1)))).toEqual(weighted);
  });

  it('reads junk as defaults', () => {
    expect(readSearchView(new URLSearchParams('mode=fuzzy&limit=-3'))).toMatchObject({
      mode: 'hybrid',
      limit: 20,
      label: null,
    });
    expect(readSearchView(new URLSearchParams('limit=5000')).limit).toBe(1000);
    expect(readSearchView(new URLSearchParams('kw=1.5')).keywordWeight).toBe(0.8);
    expect(readSearchView(new URLSearchParams('kw=abc')).keywordWeight).toBe(0.8);
    expect(readSearchView(new URLSearchParams('kw=0.333')).keywordWeight).toBe(0.33);
  });
});

describe('where filter and helper', () => {
  it('accepts empty text and objects, refuses other JSON', () => {
    expect(parseWhere('')).toEqual({ ok: true, where: undefined });
    expect(parseWhere('{}')).toEqual({ ok: true, where: undefined });
    expect(parseWhere('{"user":"alice"}')).toEqual({ ok: true, where: { user: 'alice' } });
    expect(parseWhere('{ "user": ')).toMatchObject({ ok: false, message: expect.stringMatching(/^Not valid JSON/) });
    expect(parseWhere('[1]')).toMatchObject({ ok: false });
    expect(parseWhere('null')).toMatchObject({ ok: false });
  });

  it('adds a condition, reading numbers and booleans as such', () => {
    expect(helperValue('42')).toBe(42);
    expect(helperValue('true')).toBe(true);
    expect(helperValue('alice')).toBe('alice');
    expect(helperValue('007x')).toBe('007x');
    expect(JSON.parse(addCondition('{"a":1}', 'user', 'alice')!)).toEqual({ a: 1, user: 'alice' });
    expect(JSON.parse(addCondition('', 'n', 2)!)).toEqual({ n: 2 });
    expect(addCondition('{', 'n', 2)).toBeNull();
  });
});

describe('search input', () => {
  const view = {
    label: 'Memory',
    property: 'text',
    q: ' sushi ',
    mode: 'hybrid' as const,
    where: '{"user":"alice"}',
    limit: 20,
    keywordWeight: 0.8,
  };
  it('is the tRPC/REST input, or null until it can run', () => {
    expect(searchInputOf(view)).toEqual({
      labels: ['Memory'],
      propertyName: 'text',
      query: 'sushi',
      where: { user: 'alice' },
      mode: 'hybrid',
      limit: 20,
    });
    expect(searchInputOf({ ...view, q: '' })).toBeNull();
    expect(searchInputOf({ ...view, where: '{' })).toBeNull();
    expect(searchInputOf({ ...view, label: null })).toBeNull();
    expect(searchInputOf({ ...view, keywordWeight: 0.3 })?.weights).toEqual({ keyword: 0.3, semantic: 0.7 });
    expect(searchInputOf({ ...view, mode: 'keyword', keywordWeight: 0.3 })?.weights).toBeUndefined();
  });
  it('searches an external index by vector, semantically', () => {
    expect(searchInputOf({ ...view, q: '[0.5, -1]' }, true)).toEqual({
      labels: ['Memory'],
      propertyName: 'text',
      queryVector: [0.5, -1],
      where: { user: 'alice' },
      mode: 'semantic',
      limit: 20,
    });
    expect(parseVector('[1, "x"]').ok).toBe(false);
    expect(parseVector('[]').ok).toBe(false);
    expect(vectorTooLong(JSON.stringify(Array.from({ length: 1536 }, () => 0.123456789)))).toBe(true);
    expect(vectorTooLong(JSON.stringify(Array.from({ length: 64 }, () => 0.123456789)))).toBe(false);
  });
});

describe('export', () => {
  const input = {
    labels: ['Memory'],
    propertyName: 'text',
    query: "Bob's food",
    where: { user: 'alice', 'first name': 'A' },
    mode: 'hybrid' as const,
    limit: 20,
  };
  it('curl quotes for the shell and lets it expand the key', () => {
    const curl = searchCurl('http://localhost:3000', 'my project', input);
    expect(curl).toContain('curl -s http://localhost:3000/api/v1/ai/search');
    expect(curl).toContain('-H "authorization: Bearer $ENGRAM_KEY"');
    expect(curl).toContain("-H 'x-project-id: my project'");
    const body = /-d '(.*)'$/s.exec(curl)![1]!.replace(/'\\''/g, "'");
    expect(JSON.parse(body)).toEqual(input);
  });
  it('the SDK call is a JavaScript literal', () => {
    const sdk = searchSdkCall(input);
    expect(sdk).toBe(
      "await db.ai.search({\n  labels: ['Memory'],\n  propertyName: 'text',\n  query: 'Bob\\'s food',\n  where: {\n    user: 'alice',\n    'first name': 'A',\n  },\n  mode: 'hybrid',\n  limit: 20,\n});",
    );
  });
});

describe('highlight', () => {
  it('marks the query words, case-insensitively, longest first', () => {
    expect(queryTerms('Sushi, a sushi bar!')).toEqual(['sushi', 'bar']);
    expect(splitByTerms('I love SUSHI bars', ['sushi', 'bar'])).toEqual([
      { text: 'I love ', match: false },
      { text: 'SUSHI', match: true },
      { text: ' ', match: false },
      { text: 'bar', match: true },
      { text: 's', match: false },
    ]);
    expect(splitByTerms('a+b (c)', queryTerms('(c)'))).toEqual([{ text: 'a+b (c)', match: false }]);
  });
});
