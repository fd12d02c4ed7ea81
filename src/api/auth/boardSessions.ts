// Board sessions: a browser cannot sign every request (EventSource and download links carry no
// headers), so the board signs ONE request with FATE-Flow's scheme — POST /v1/board/session, the
// app secret never leaves the browser's memory — and gets a short-lived session: a random token in
// an HttpOnly, SameSite=Strict cookie (scripts cannot read it) plus a CSRF token that every
// non-GET request must echo in a header (another page, even on the same host, cannot set it).
// The session carries the app key and its role; it ends after SESSION_TTL_MS, at logout, or when
// the node restarts (kept in memory only).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from './appKeys.js';

export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/** Sessions held at most; the oldest goes first (only key holders can create them). */
const MAX_SESSIONS = 1000;
export const CSRF_HEADER = 'x-fedflow-csrf';

export interface BoardSession {
  readonly appKey: string;
  readonly role: Role;
  readonly csrf: string;
  readonly expires: number;
}

export class BoardSessions {
  private readonly sessions = new Map<string, BoardSession>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new session for an authenticated app key: the cookie token and the session. */
  create(appKey: string, role: Role): { token: string; session: BoardSession } {
    this.sweep();
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const token = randomBytes(32).toString('base64url');
    const session = Object.freeze({ appKey, role, csrf: randomBytes(24).toString('base64url'), expires: this.now() + SESSION_TTL_MS });
    this.sessions.set(token, session);
    return { token, session };
  }

  /** The live session of a token, if any. */
  get(token: string | undefined): BoardSession | undefined {
    if (!token) return undefined;
    const session = this.sessions.get(token);
    if (!session) return undefined;
    if (session.expires <= this.now()) {
      this.sessions.delete(token);
      return undefined;
    }
    return session;
  }

  end(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, s] of this.sessions) if (s.expires <= now) this.sessions.delete(token);
  }
}

/** Constant-time comparison of the CSRF header with the session's token. */
export function csrfMatches(session: BoardSession, header: string | undefined): boolean {
  if (!header) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(header);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The cookie's name: per port, because browsers share cookies between the ports of one host. */
export const sessionCookieName = (port: number | undefined): string => `fedflow_board_${port ?? 0}`;
