export {
  createApiKey,
  listApiKeys,
  revokeApiKey,
  authenticateApiKey,
  API_KEY_PREFIX,
  type KeyPrincipal,
} from './api-keys';
export {
  authenticate,
  authorize,
  login,
  resolveProject,
  sessionStatus,
  type Principal,
  type Requirement,
  type AuthConfig,
  type AuthDeps,
  type Credentials,
} from './principal';
export { loadOrCreateMasterKey, MASTER_KEY_FILE, type MasterKey } from './master-key';
export { SESSION_COOKIE, sessionSecretFor, signSession, verifySession } from './session';
export { safeEqual } from './secrets';
export * from './auth.schema';
