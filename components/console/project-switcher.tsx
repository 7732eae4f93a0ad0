'use client';

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useProject } from '@/components/providers/api-provider';
import { DEFAULT_PROJECT } from '@/components/providers/project-cookie';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorMessage } from '@/components/ui/error-message';

export function ProjectSwitcher() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { project, setProject } = useProject();
  const list = useQuery({ ...trpc.projects.list.queryOptions(), placeholderData: keepPreviousData });
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const create = useMutation(
    trpc.projects.create.mutationOptions({
      onSuccess: async (created) => {
        await queryClient.invalidateQueries({ queryKey: trpc.projects.list.queryKey() });
        setCreating(false);
        setName('');
        setProject(created.name);
      },
    }),
  );

  // A remembered project may no longer exist (another data folder, another server): fall back.
  const names = useMemo(() => list.data?.items.map((p) => p.name), [list.data]);
  const settled = list.isSuccess && !list.isPlaceholderData;
  useEffect(() => {
    if (settled && names && !names.includes(project) && names.includes(DEFAULT_PROJECT)) setProject(DEFAULT_PROJECT);
  }, [settled, names, project, setProject]);
  const options = names?.includes(project) ? names : [...(names ?? []), project];

  return (
    <div className="project-switcher">
      <label htmlFor="project-select">Project</label>
      <select id="project-select" value={project} onChange={(e) => setProject(e.target.value)} disabled={!names}>
        {options.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      {list.isError ? <ErrorMessage error={list.error} title="Projects could not be listed." /> : null}

      {creating ? (
        <form
          className="new-project"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ name: name.trim() });
          }}
        >
          <label htmlFor="new-project-name">New project name</label>
          <input
            id="new-project-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={63}
            pattern="[a-z0-9][a-z0-9_\-]*"
            title='Lowercase letters, digits, "-" and "_"'
            placeholder="e.g. support-bot"
            autoFocus
            aria-describedby="new-project-hint"
          />
          <p id="new-project-hint" className="hint">
            Lowercase letters, digits, - and _.
          </p>
          {create.isError ? <ErrorMessage error={create.error} /> : null}
          <div className="row">
            <button type="submit" className="button button-primary button-small" disabled={create.isPending}>
              {create.isPending ? 'Creating…' : 'Create'}
            </button>
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                setCreating(false);
                create.reset();
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="button button-quiet button-small" onClick={() => setCreating(true)}>
          + New project
        </button>
      )}
    </div>
  );
}
