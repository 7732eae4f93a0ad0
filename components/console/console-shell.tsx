'use client';

import Link from 'next/link';
import { useProject } from '@/components/providers/api-provider';
import { ConsoleNav } from './console-nav';
import { LogoutButton } from './logout-button';
import { ProjectSwitcher } from './project-switcher';

export function ConsoleShell({ children }: { children: React.ReactNode }) {
  const { project } = useProject();
  return (
    <div className="console">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <aside className="sidebar">
        <Link href="/" className="brand">
          Engram
        </Link>
        <ProjectSwitcher />
        <ConsoleNav />
        <LogoutButton />
      </aside>
      {/* Keyed by project: switching projects starts each page afresh (forms, one-time secrets). */}
      <main id="main" className="content" key={project}>
        {children}
      </main>
    </div>
  );
}
