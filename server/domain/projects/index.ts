export {
  createProject,
  listProjects,
  findProject,
  getProject,
  ensureDefaultProject,
  DEFAULT_PROJECT,
} from './projects';
export {
  ZCreateProjectInput,
  ZProject,
  ZProjectName,
  type TProject,
  type TCreateProjectInput,
} from './projects.schema';
