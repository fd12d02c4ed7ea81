// /v1/model/transfer (contract 5.21): FATE-Serving pulls a party model's buffers after publishLoad.
import type Router from '@koa/router';
import { modelTransferAnswer, unknownModelMessage } from '../../models/transfer.js';
import { badRequest } from '../errors.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';
import { parseAsOf, queryViews } from '../asOf.js';
import { pipelineModel } from '../../../projections/models/query.js';
import { name, requireKeys } from '../validate.js';

export function modelTransferRoutes(router: Router, deps: EdgeDeps): void {
  postJson(router, '/model/transfer', deps, async (body) => {
    requireKeys(body, ['name', 'namespace']);
    const request = { name: name(body, 'name'), namespace: name(body, 'namespace') };
    // `as_of`: only a model this node held then (its buffers never change once saved).
    if (parseAsOf(body.as_of) && !(await queryViews(deps, body, (views) => pipelineModel(views, request.namespace, request.name)))) throw badRequest(unknownModelMessage(request));
    const model = deps.models?.read(request.namespace, request.name);
    if (!model) throw badRequest(unknownModelMessage(request));
    return modelTransferAnswer(model.buffers);
  });
}
