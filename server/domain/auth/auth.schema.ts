import { z } from 'zod';

export const SCOPES = ['read', 'write', 'admin'] as const;
export const ZScope = z.enum(SCOPES);
export type TScope = z.infer<typeof ZScope>;

export const ZCreateApiKeyInput = z.object({
  name: z.string().trim().min(1).max(100),
  scope: ZScope,
  expiresAt: z.iso.datetime({ offset: true }).optional().describe('ISO-8601 time after which the key stops working'),
});
export type TCreateApiKeyInput = z.output<typeof ZCreateApiKeyInput>;

export const ZApiKey = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('the first characters of the secret, for recognising a key'),
  scope: ZScope,
  expiresAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type TApiKey = z.infer<typeof ZApiKey>;

export const ZCreatedApiKey = ZApiKey.extend({ key: z.string().describe('the secret: shown once, never stored') });
export type TCreatedApiKey = z.infer<typeof ZCreatedApiKey>;

export const ZLoginInput = z.object({ masterKey: z.string().min(1).max(512) });
