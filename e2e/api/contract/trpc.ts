import { expect, type APIRequestContext, type APIResponse } from '@playwright/test';
import { expectStatus } from '../../helpers/api';
import { checkDomainError, checkTrpcResult } from './contract';

/**
 * tRPC over plain HTTP, the way any client sends it: queries as GET with `?input=<JSON>`, mutations as
 * POST with a JSON body, batches as `/api/trpc/a,b?batch=1` with inputs keyed by position. Results are
 * held to the OpenAPI document's schema of the same procedure (checkTrpcResult); errors to its Error
 * schema, in `error.data.domain`.
 */
export const TRPC = '/api/trpc';

export type TrpcError = {
  message: string;
  code: number;
  data: {
    code: string;
    httpStatus: number;
    path: string;
    domain: { code: string; message: string; details?: { path?: (string | number)[]; [k: string]: unknown } };
  };
};
export type TrpcEnvelope = { result: { data: any } } | { error: TrpcError };

/** Procedures with no JSON response schema in the document: tRPC-only ones, and raw (text) REST routes. */
const UNCHECKED = ['records.find', 'auth.login', 'auth.logout', 'auth.session', 'schema.markdown', 'records.exportCsv'];

const q = (input: unknown) => (input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`);

export const trpcQuery = (request: APIRequestContext, proc: string, input: unknown, headers: Record<string, string>) =>
  request.get(`${TRPC}/${proc}${q(input)}`, { headers, failOnStatusCode: false });

export const trpcMutation = (
  request: APIRequestContext,
  proc: string,
  input: unknown,
  headers: Record<string, string>,
) =>
  request.post(`${TRPC}/${proc}`, {
    headers: { ...headers, 'content-type': 'application/json' },
    data: input === undefined ? '' : JSON.stringify(input),
    failOnStatusCode: false,
  });

const batchInput = (calls: [string, unknown][]) => Object.fromEntries(calls.map(([, input], i) => [String(i), input]));

export const trpcBatchQuery = (
  request: APIRequestContext,
  calls: [string, unknown][],
  headers: Record<string, string>,
) =>
  request.get(
    `${TRPC}/${calls.map(([p]) => p).join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(batchInput(calls)))}`,
    { headers, failOnStatusCode: false },
  );

export const trpcBatchMutation = (
  request: APIRequestContext,
  calls: [string, unknown][],
  headers: Record<string, string>,
) =>
  request.post(`${TRPC}/${calls.map(([p]) => p).join(',')}?batch=1`, {
    headers: { ...headers, 'content-type': 'application/json' },
    data: JSON.stringify(batchInput(calls)),
    failOnStatusCode: false,
  });

/** One call's result: its data, held to the document's schema of `proc`. */
export async function resultOf(envelope: TrpcEnvelope, proc: string): Promise<any> {
  expect('result' in envelope, `${proc} answered ${JSON.stringify(envelope).slice(0, 1000)}`).toBe(true);
  const data = (envelope as { result: { data: unknown } }).result.data;
  if (!(await checkTrpcResult(proc, data)))
    expect(UNCHECKED, `${proc} has a documented JSON body to check`).toContain(proc);
  return data;
}

/** One call's error: tRPC's shape with the domain error, whose status and code are `status` and `code`. */
export async function errorOf(
  envelope: TrpcEnvelope,
  proc: string,
  status: number,
  code: string,
): Promise<TrpcError['data']['domain']> {
  expect('error' in envelope, `${proc} should have failed: ${JSON.stringify(envelope).slice(0, 1000)}`).toBe(true);
  const error = (envelope as { error: TrpcError }).error;
  expect(typeof error.code).toBe('number');
  expect(error.data).toMatchObject({ httpStatus: status, path: proc });
  expect(error.data.domain.code, error.message).toBe(code);
  expect(error.message).toBe(error.data.domain.message);
  expect(error.data).not.toHaveProperty('stack');
  await checkDomainError(error.data.domain);
  return error.data.domain;
}

/** A single call's answer: the status, then its data. */
export async function trpcOk(res: APIResponse, proc: string): Promise<any> {
  await expectStatus(res, 200);
  return resultOf((await res.json()) as TrpcEnvelope, proc);
}

/** A single call's failure: the status, then the domain error. */
export async function trpcFails(res: APIResponse, proc: string, status: number, code: string) {
  await expectStatus(res, status);
  return errorOf((await res.json()) as TrpcEnvelope, proc, status, code);
}
