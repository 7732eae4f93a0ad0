import { TRPCClientError } from '@trpc/client';
import { errorText } from '@/components/ui/error-message';

type Details = { path?: (string | number)[]; expected?: unknown; got?: unknown };

/** `["data", 0, "tags", 1]` → `data[0].tags[1]`, the way the JSON reads. */
export function formatPath(path: (string | number)[]): string {
  return path
    .map((p, i) =>
      typeof p === 'number'
        ? `[${p}]`
        : /^[A-Za-z_$][\w$-]*$/.test(p)
          ? i === 0
            ? p
            : `.${p}`
          : `[${JSON.stringify(p)}]`,
    )
    .join('');
}

const detailsOf = (error: unknown): Details | undefined =>
  error instanceof TRPCClientError
    ? (error.data as { domain?: { details?: Details } } | undefined)?.domain?.details
    : undefined;

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * A failed write or query, with where it failed: the server's message, and the JSON path, expected and
 * got from the error's details when it has them.
 */
export function ErrorWithPath({ error, title }: { error: unknown; title?: string }) {
  const details = detailsOf(error);
  const path = details?.path && details.path.length > 0 ? formatPath(details.path) : null;
  return (
    <div role="alert" className="alert alert-error">
      {title ? <strong>{title} </strong> : null}
      {errorText(error)}
      {path || details?.expected !== undefined ? (
        <dl className="error-details">
          {path ? (
            <div>
              <dt>Path</dt>
              <dd>
                <code data-testid="error-path">{path}</code>
              </dd>
            </div>
          ) : null}
          {details?.expected !== undefined ? (
            <div>
              <dt>Expected</dt>
              <dd>{show(details.expected)}</dd>
            </div>
          ) : null}
          {details?.got !== undefined ? (
            <div>
              <dt>Got</dt>
              <dd>{show(details.got)}</dd>
            </div>
          ) : null}
        </dl>
      ) : null}
    </div>
  );
}
