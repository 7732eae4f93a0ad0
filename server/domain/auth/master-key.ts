import fs from 'node:fs';
import path from 'node:path';
import { randomToken } from './secrets';

export const MASTER_KEY_FILE = 'master.key';

export type MasterKey = { key: string; source: 'env' | 'file' | 'generated'; file?: string };

/**
 * ENGRAM_MASTER_KEY wins; otherwise the key saved in the data folder; otherwise a new one is generated,
 * saved there with mode 0600, and reported as `generated` so the caller prints it once.
 */
export function loadOrCreateMasterKey(dataDir: string, fromEnv?: string): MasterKey {
  if (fromEnv) return { key: fromEnv, source: 'env' };
  const file = path.join(dataDir, MASTER_KEY_FILE);
  if (fs.existsSync(file)) {
    const key = fs.readFileSync(file, 'utf8').trim();
    if (key.length >= 24) return { key, source: 'file', file };
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = `egm_${randomToken(32)}`;
  fs.writeFileSync(file, key + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return { key, source: 'generated', file };
}
