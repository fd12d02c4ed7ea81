// GET /v1/board/events: server-sent events telling the board which job/component changed, fed by
// the projection runner (an announced change is already readable through /v1, so the board
// re-reads just that job). Resume with ?from=<position> or the Last-Event-ID header the browser's
// EventSource sends on reconnect; a gap bigger than REPLAY_LIMIT answers `reset` (reload all).
import type Router from '@koa/router';
import type { RecordedEvent } from '../../store/eventStore.js';
import { HttpError } from '../errors.js';
import { changeOf, type BoardFeed } from './feed.js';

const REPLAY_LIMIT = 5000;
const HEARTBEAT_MS = 15_000;

export function boardEventRoutes(router: Router, feed: BoardFeed | undefined): void {
  router.get('/board/events', async (ctx) => {
    if (!feed) throw new HttpError(404, 'this node has no board feed');
    const from = parsePosition(ctx.query.from ?? ctx.get('last-event-id'));
    // The stream is written straight to the socket: Koa's body handling would treat the browser
    // going away as an error, while for an event stream it is the normal end.
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.status = 200;
    ctx.respond = false;
    const stream = ctx.res;
    stream.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no', 'x-request-id': String(ctx.response.get('x-request-id')) });

    const write = (text: string) => void (stream.destroyed || stream.write(text));
    let last = from ?? feed.position();
    // Live events that arrive during the replay wait here, so nothing is sent twice or lost.
    let pending: RecordedEvent[] | undefined = [];
    const send = (events: readonly RecordedEvent[]) => {
      for (const event of events) {
        if (event.position <= last) continue;
        last = event.position;
        const change = changeOf(event);
        if (change) write(`id: ${change.position}\nevent: change\ndata: ${JSON.stringify(change)}\n\n`);
      }
    };
    const unfollow = feed.follow((events) => (pending ? pending.push(...events) : send(events)));
    const heartbeat = setInterval(() => write(`: ${Date.now()}\n\n`), HEARTBEAT_MS);
    const end = () => {
      clearInterval(heartbeat);
      unfollow();
    };
    ctx.req.on('close', end);
    stream.on('close', end);

    write(`retry: 1000\nevent: hello\ndata: ${JSON.stringify({ position: feed.position().toString() })}\n\n`);
    if (from !== undefined && from < feed.position()) {
      const missed = await feed.readAfter(from, REPLAY_LIMIT + 1);
      if (missed.length > REPLAY_LIMIT) {
        last = feed.position();
        write(`id: ${last}\nevent: reset\ndata: ${JSON.stringify({ position: last.toString() })}\n\n`);
      } else {
        send(missed);
      }
    }
    const queued = pending;
    pending = undefined;
    send(queued);
  });
}

function parsePosition(value: unknown): bigint | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d{1,19}$/.test(value)) throw new HttpError(400, `from must be a log position (digits), got ${JSON.stringify(value)}`);
  return BigInt(value);
}
