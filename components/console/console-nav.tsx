'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { SECTION_ORDER, SECTIONS } from './sections';

const isCurrent = (pathname: string, href: string) =>
  href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);

export function ConsoleNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Console" className="nav">
      <ul>
        {SECTION_ORDER.map((id) => {
          const { href, label } = SECTIONS[id];
          return (
            <li key={id} className={id === 'settings' ? 'nav-separated' : undefined}>
              <Link href={href} aria-current={isCurrent(pathname, href) ? 'page' : undefined}>
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
