// Party id → gRPC address of its node, read from a file like FATE's route_table.json:
//   {"route_table": {"9999": {"default": [{"ip": "127.0.0.1", "port": 9360}]}, ...}}
// or the short form {"9999": "127.0.0.1:9360", ...}.
import { readFileSync } from 'node:fs';

export type RouteTable = ReadonlyMap<string, string>;

export class RouteTableError extends Error {
  override name = 'RouteTableError';
}

export function parseRouteTable(json: unknown, source = 'route table'): RouteTable {
  const root = (json as { route_table?: unknown })?.route_table ?? json;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new RouteTableError(`${source} must be an object of party id → address`);
  const out = new Map<string, string>();
  for (const [party, entry] of Object.entries(root as Record<string, unknown>)) {
    let address: string | undefined;
    if (typeof entry === 'string') address = entry;
    else {
      const first = (entry as { default?: { ip?: string; host?: string; port?: number }[] })?.default?.[0];
      if (first && (first.ip ?? first.host) && first.port !== undefined) address = `${first.ip ?? first.host}:${first.port}`;
    }
    if (!address || !/^[^:\s]+:\d{1,5}$/.test(address)) throw new RouteTableError(`${source}: party ${party} needs an address host:port, got ${JSON.stringify(entry)}`);
    out.set(party, address);
  }
  return out;
}

export function loadRouteTable(path: string): RouteTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RouteTableError(`route table ${path} cannot be read: ${(err as Error).message}`);
  }
  try {
    return parseRouteTable(JSON.parse(text), `route table ${path}`);
  } catch (err) {
    if (err instanceof RouteTableError) throw err;
    throw new RouteTableError(`route table ${path} is not JSON: ${(err as Error).message}`);
  }
}
