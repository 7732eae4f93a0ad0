import { z } from 'zod';
import { DomainError } from '@/server/errors';
import { safeEqual, SESSION_COOKIE, signSession, verifySession, ZLoginInput } from '@/server/domain/auth';
import { readCookie, type Context } from '../context';
import { router } from '../init';
import { publicProcedure } from '../procedures';

function setSessionCookie(ctx: Context, value: string, maxAgeSec: number) {
  const attrs = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSec}`];
  if (ctx.secure) attrs.push('Secure');
  ctx.resHeaders.append('set-cookie', attrs.join('; '));
}

/** Console login: the master key buys a signed, httpOnly session cookie. */
export const authRouter = router({
  login: publicProcedure
    .input(ZLoginInput)
    .output(z.object({ ok: z.literal(true), expiresAt: z.iso.datetime() }))
    .mutation(({ ctx, input }) => {
      if (!safeEqual(input.masterKey.trim(), ctx.engram.masterKey.key)) {
        throw new DomainError('UNAUTHORIZED', 'That is not the master key', { path: ['masterKey'] });
      }
      const ttlMs = ctx.engram.env.ENGRAM_SESSION_TTL_HOURS * 3_600_000;
      const session = signSession(ctx.engram.sessionSecret, ttlMs);
      setSessionCookie(ctx, session.value, Math.floor(ttlMs / 1000));
      return { ok: true as const, expiresAt: session.expiresAt.toISOString() };
    }),

  logout: publicProcedure.output(z.object({ ok: z.literal(true) })).mutation(({ ctx }) => {
    setSessionCookie(ctx, '', 0);
    return { ok: true as const };
  }),

  session: publicProcedure
    .output(z.object({ authenticated: z.boolean() }))
    .query(({ ctx }) => ({ authenticated: verifySession(ctx.engram.sessionSecret, readCookie(ctx.headers, SESSION_COOKIE) ?? undefined) })),
});
