import { SECTIONS, type SectionId } from '@/components/console/sections';

/** Placeholder page for a section that a later issue builds. */
export function ComingSoon({ section }: { section: SectionId }) {
  const { label, summary } = SECTIONS[section];
  return (
    <>
      <header className="page-header">
        <h1>{label}</h1>
        <p className="muted">{summary}</p>
      </header>
      <div className="empty-state">
        <h2>{label} arrives soon</h2>
        <p>This section of the console is not built yet. The API and the other sections work already.</p>
      </div>
    </>
  );
}
