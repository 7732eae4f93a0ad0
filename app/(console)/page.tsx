import { ProjectOverview } from '@/components/home/project-overview';

export default function HomePage() {
  return <ProjectOverview />;
}
