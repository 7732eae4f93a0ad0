import { TRPCClientError } from '@trpc/client';

/** The message worth showing for a failed call: the server's own words, or a plain network hint. */
export function errorText(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const domain = (error.data as { domain?: { message?: string } } | undefined)?.domain;
    if (domain?.message) return domain.message;
    if (error.cause instanceof TypeError || /fetch/i.test(error.message))
      return 'Could not reach the Engram server. Check that it is running.';
    return error.message;
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}

export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  return (
    <div role="alert" className="alert alert-error">
      {title ? <strong>{title} </strong> : null}
      {errorText(error)}
    </div>
  );
}
