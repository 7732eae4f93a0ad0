import { describe, expect, it } from 'vitest';
import { nameEvidence, singular, splitReference, typeFor, words } from './names';
import { confidenceOf, kindOf, specificity } from './values';

describe('name evidence', () => {
  it('splits every naming style into words', () => {
    expect(words('customer_id')).toEqual(['customer', 'id']);
    expect(words('customerId')).toEqual(['customer', 'id']);
    expect(words('HTTPServerURL')).toEqual(['http', 'server', 'url']);
    expect(words('owner-email.address')).toEqual(['owner', 'email', 'address']);
    expect(singular('customers')).toBe('customer');
    expect(singular('categories')).toBe('category');
    expect(singular('boxes')).toBe('box');
    expect(singular('address')).toBe('address');
    expect(splitReference('parentId')).toEqual({ stem: ['parent'], keyWord: 'id' });
  });

  it('ranks names that point at a label and its key above names that only fit the key, and plain words at zero', () => {
    const score = (sl: string, sk: string, tl: string, tk: string) => nameEvidence(sl, sk, tl, tk).score;
    expect(score('ORDER', 'customer_id', 'CUSTOMER', 'id')).toBe(1);
    expect(score('orders', 'customerId', 'customers', '$id')).toBe(1);
    expect(score('ORDER', 'customer', 'Customer', 'id')).toBe(1);
    expect(score('ORDER', 'customer_ref', 'CLIENT', 'customer_ref')).toBe(0.9);
    expect(score('CATEGORY', 'parent_id', 'CATEGORY', 'id')).toBe(0.8);
    expect(score('TICKET', 'owner_email', 'USER', 'email')).toBe(0.4);
    expect(score('TICKET', 'owner_email', 'USER', 'id')).toBe(0.2);
    expect(score('USER', 'age', 'CUSTOMER', 'id')).toBe(0);
    expect(score('TICKET', 'assignee', 'USER', 'email')).toBe(0);
  });

  it('proposes a relationship type from the name', () => {
    expect(typeFor('customer_id')).toBe('CUSTOMER');
    expect(typeFor('parentId')).toBe('PARENT');
    expect(typeFor('assignee')).toBe('ASSIGNEE');
    expect(typeFor('id')).toBe('REFERS_TO');
  });
});

describe('value evidence and confidence', () => {
  it('tells specific values from ones that overlap by chance', () => {
    expect(kindOf('42')).toBe('integer');
    expect(kindOf('1234567')).toBe('large-integer');
    expect(kindOf('ada@example.com')).toBe('email');
    expect(kindOf('0192d3c4-1111-7000-8000-000000000001')).toBe('uuid');
    expect(specificity(['1', '2', 'x@y.io']).kind).toBe('integer');
  });

  it('scores a named reference high, an unnamed email match high, and small-number overlap with no name clearly lower', () => {
    const named = confidenceOf({ name: 1, coverage: 1, specificity: 0.35, uniqueness: 1 });
    const email = confidenceOf({ name: 0, coverage: 1, specificity: 1, uniqueness: 1 });
    const decoy = confidenceOf({ name: 0, coverage: 1, specificity: 0.35, uniqueness: 1 });
    expect(named).toBeGreaterThan(0.9);
    expect(email).toBeGreaterThanOrEqual(0.9);
    expect(decoy).toBeLessThan(0.35);
    expect(confidenceOf({ name: 1, coverage: 1, specificity: 1, uniqueness: 0.5 })).toBeLessThanOrEqual(0.5);
  });
});
