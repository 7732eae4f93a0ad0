import { z } from 'zod';
import { login, sessionStatus, SESSION_COOKIE, ZLoginInput } from '@/server/domain/auth';
import { readCookie, setSessionCookie } from '../context';
import { router } from '../init';
import { publicProcedure } from '../procedures';

/** Console login: the master key buys a signed, httpOnly session cookie. */
export const authRouter = router({
  login: publicProcedure
    .input(ZLoginInput)
    .output(z.object({ ok: z.literal(true), expiresAt: z.iso.datetime() }))
    .mutation(({ ctx, input }) => {
      const session = login(ctx.services.auth, input);
      setSessionCookie(ctx, session.value, session.maxAgeSec);
      return { ok: true as const, expiresAt: session.expiresAt };
    }),

  logout: publicProcedure.output(z.object({ ok: z.literal(true) })).mutation(({ ctx }) => {
    setSessionCookie(ctx, '', 0);
    return { ok: true as const };
  }),

  session: publicProcedure
    .output(z.object({ authenticated: z.boolean() }))
    .query(({ ctx }) => sessionStatus(ctx.services.auth, readCookie(ctx.headers, SESSION_COOKIE))),
});
