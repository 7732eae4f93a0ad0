import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { DomainError } from '@/server/errors';
import { errorBody, toDomainError } from './errors';

/** Errors as Prisma's driver adapters raise them: a SQLSTATE under meta.driverAdapterError.cause. */
const adapterError = (originalCode: string, kind = 'postgres') =>
  Object.assign(new Error(`database error ${originalCode}`), {
    code: 'P2010',
    meta: { driverAdapterError: { cause: { originalCode, kind } } },
  });

describe('the error table', () => {
  it('maps database conditions a request can meet to their codes, never to 500', () => {
    const cases: [unknown, string, number, string?][] = [
      [adapterError('40001'), 'CONFLICT', 409, 'serialization'],
      [adapterError('40P01'), 'CONFLICT', 409, 'serialization'],
      [adapterError('23503', 'ForeignKeyConstraintViolation'), 'CONFLICT', 409, 'concurrent-delete'],
      [Object.assign(new Error('fk'), { code: 'P2003' }), 'CONFLICT', 409, 'concurrent-delete'],
      [
        Object.assign(new Error('No record was found for a delete'), { code: 'P2025' }),
        'NOT_FOUND',
        404,
        'concurrent-delete',
      ],
      [adapterError('23505', 'UniqueConstraintViolation'), 'CONFLICT', 409, 'concurrent-write'],
      [adapterError('22P02', 'InvalidInputValue'), 'INVALID', 400, 'data'],
      [adapterError('22008'), 'INVALID', 400, 'data'],
      [adapterError('57014'), 'LIMIT_EXCEEDED', 400],
      [adapterError('57P01'), 'UNAVAILABLE', 503, 'connection'],
      [adapterError('08006'), 'UNAVAILABLE', 503, 'connection'],
      [adapterError('53300', 'TooManyConnections'), 'UNAVAILABLE', 503, 'connection'],
      [adapterError('53200'), 'UNAVAILABLE', 503, 'connection'],
      [new Error('Connection terminated unexpectedly'), 'UNAVAILABLE', 503, 'connection'],
      [new Error('timeout exceeded when trying to connect'), 'UNAVAILABLE', 503, 'connection'],
      [Object.assign(new Error('pool'), { code: 'P2024' }), 'UNAVAILABLE', 503, 'connection'],
      [new URIError('URI malformed'), 'INVALID', 400],
    ];
    for (const [error, code, status, reason] of cases) {
      const { status: got, body } = errorBody(new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error as Error }));
      expect(body.code, String(error)).toBe(code);
      expect(got).toBe(status);
      if (reason) expect(body.details?.reason).toBe(reason);
    }
  });

  it('finds a DomainError however deep tRPC or a stream wrapped it', () => {
    const inner = new DomainError('LIMIT_EXCEEDED', 'too big', { limit: 1 }, { tooLarge: true });
    const wrapped = new TRPCError({
      code: 'PARSE_ERROR',
      cause: Object.assign(new Error('read failed'), { cause: inner }),
    });
    expect(toDomainError(wrapped)).toBe(inner);
    expect(errorBody(wrapped).status).toBe(413);
  });

  it('recognises a DomainError from another copy of the module by its brand', () => {
    const foreign = Object.assign(Object.create(Error.prototype), {
      code: 'NOT_FOUND',
      message: 'gone',
      details: undefined,
      tooLarge: false,
      [Symbol.for('engram.DomainError')]: true,
    });
    expect(errorBody(foreign)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', message: 'gone' } });
  });

  it('anything else is a bare 500 that leaks nothing', () => {
    expect(errorBody(new Error('secret connection string postgres://u:p@h/db'))).toEqual({
      status: 500,
      body: { code: 'INTERNAL', message: 'Internal error' },
    });
  });
});
