// load, bind (/v1/model/load, /v1/model/bind): the conf file is the request body, as in
// fate_flow_client.py (`-f load -c publish_load_model.json`, `-f bind -c bind_model_service.json`).
import type { CliOptions } from '../args.js';
import { loadConf } from '../conf.js';
import type { CliContext } from '../context.js';
import { clientFor, finish } from './shared.js';

export async function loadModel(ctx: CliContext, o: CliOptions): Promise<number> {
  const conf = loadConf(o.config!, ctx.cwd).conf;
  return finish(ctx, await clientFor(ctx, o).post('/v1/model/load', conf));
}

export async function bindModel(ctx: CliContext, o: CliOptions): Promise<number> {
  const conf = loadConf(o.config!, ctx.cwd).conf;
  return finish(ctx, await clientFor(ctx, o).post('/v1/model/bind', conf));
}
