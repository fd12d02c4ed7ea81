// The board's login (see auth/boardSessions.ts): POST /v1/board/session, signed with FATE-Flow's
// scheme, opens a session (HttpOnly cookie + CSRF token); GET tells the board who it is (and its
// CSRF token after a reload); POST /v1/board/session/end logs out. Without app keys on the node
// there is nothing to log in to: the answers say `auth: off`.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { envelope } from '../envelope.js';
import { ApiError } from '../errors.js';
import { AUTHENTICATION_ERROR } from '../auth/authenticate.js';
import { SESSION_TTL_MS, sessionCookieName, type BoardSessions } from '../auth/boardSessions.js';

export function boardSessionRoutes(router: Router, sessions: BoardSessions, authOn: boolean): void {
  const cookie = (ctx: Context) => sessionCookieName(ctx.req.socket.localPort);
  const who = (ctx: Context) => {
    const session = ctx.state.boardSession ? sessions.get(ctx.cookies.get(cookie(ctx))) : undefined;
    return { auth: 'on', app_key: ctx.state.appKey as string, role: ctx.state.appRole as string, ...(session ? { csrf_token: session.csrf, expires: session.expires } : {}) };
  };

  router.get('/board/session', (ctx) => {
    ctx.set('cache-control', 'no-store');
    ctx.body = envelope({ retcode: 0, retmsg: 'success', data: authOn ? who(ctx) : { auth: 'off' } });
  });

  router.post('/board/session', (ctx) => {
    ctx.set('cache-control', 'no-store');
    if (!authOn) {
      ctx.body = envelope({ retcode: 0, retmsg: 'success', data: { auth: 'off' } });
      return;
    }
    // Only a signed request opens a session (a session cannot extend itself).
    if (!ctx.state.signedRequest) throw new ApiError(AUTHENTICATION_ERROR, 'a board session is opened by a request signed with the app key and secret');
    const { token, session } = sessions.create(ctx.state.appKey as string, ctx.state.appRole as never);
    ctx.cookies.set(cookie(ctx), token, { httpOnly: true, sameSite: 'strict', path: '/', maxAge: SESSION_TTL_MS, secure: ctx.req.socket && 'encrypted' in ctx.req.socket, overwrite: true });
    ctx.body = envelope({ retcode: 0, retmsg: 'success', data: { auth: 'on', app_key: session.appKey, role: session.role, csrf_token: session.csrf, expires: session.expires } });
  });

  router.post('/board/session/end', (ctx) => {
    sessions.end(ctx.cookies.get(cookie(ctx)));
    ctx.cookies.set(cookie(ctx), '', { httpOnly: true, sameSite: 'strict', path: '/', maxAge: 0, overwrite: true });
    ctx.body = envelope({ retcode: 0, retmsg: 'success' });
  });
}
