import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IllegalStateError } from '../../domain/decider.js';
import { planJob, type JobPlan } from '../../domain/dsl/plan.js';
import { isPlainObject, type JsonObject } from '../../domain/dsl/json.js';
import { partyModelId } from '../../domain/dsl/runtimeConf.js';
import { getTable } from '../../../projections/tables/query.js';
import { guestEvalDataLabelled, withEvaluation } from '../../models/predictEvaluation.js';
import { jobDecider } from '../../domain/job/decider.js';
import { jobStreamId } from '../../domain/job/events.js';
import type { JobCommand } from '../../domain/job/commands.js';
import { COMPONENTS } from '../../components/registry.js';
import { SubmitJob } from '../commands.js';
import { handleCommands } from '../../eventSourcing/handleCommand.js';
import { writeJobFiles } from '../jobFiles.js';
import { NodeServices } from '../nodeServices.js';
import { partiesOf, predictModelOf, predictPlanInputs } from '../../models/predictJob.js';
import { localOnlyModuleRefusal } from '../../scheduler/localJobs.js';

/**
 * /v1/job/submit: validate the DSL and conf (pure planJob), then create the
 * job's row on every party this node hosts; the scheduler picks the initiator's row from the log.
 * In cluster mode the other parties' nodes create their rows first (src/federation/jobDistribution.ts).
 */
@CommandHandler(SubmitJob)
export class SubmitJobHandler implements ICommandHandler<SubmitJob> {
  constructor(private readonly s: NodeServices) {}

  async execute({ jobId, dsl, runtimeConf }: SubmitJob) {
    // A predict job runs the inference DSL of the stored model, with the training conf's parameters.
    const predict = predictModelOf(runtimeConf);
    let trainRuntimeConf = {};
    let trainDsl: JsonObject = {};
    if (predict) {
      const models = this.s.models;
      if (!models) throw new IllegalStateError('predict jobs need the pipeline model store, which this node was started without');
      // This node checks the parties it hosts; in cluster mode the other nodes check theirs at creation.
      const local = partiesOf(runtimeConf).filter((p) => !this.s.cluster || p.partyId === this.s.cluster.partyId);
      const inputs = predictPlanInputs(predict, local, (role, partyId, modelId, version) => models.pipeline(role, partyId, modelId, version));
      dsl = inputs.dsl;
      trainRuntimeConf = inputs.trainRuntimeConf;
      trainDsl = inputs.trainDsl;
    }
    const options = { jobId, serverWorkMode: this.s.config.workMode, defaultTimeoutSeconds: this.s.config.jobTimeoutSeconds, ...(predict ? { trainRuntimeConf } : {}) };
    const outcome = planJob(dsl, runtimeConf, options);
    if (!outcome.ok) throw new IllegalStateError(outcome.message);
    let plan = outcome.plan;
    // A labelled predict job also evaluates (the training DSL's Evaluation on the predictions).
    const evaluated = predict && isPlainObject(dsl) ? withEvaluation(dsl, trainDsl) : undefined;
    if (evaluated && this.guestEvalDataLabelled(plan)) {
      const withMetrics = planJob(evaluated, runtimeConf, options);
      if (withMetrics.ok) plan = withMetrics.plan;
    }
    const localOnly = localOnlyModuleRefusal(plan.components.map((c) => c.module));
    if (localOnly) throw new IllegalStateError(localOnly);
    const missing = [...new Set(plan.components.map((c) => c.module).filter((m) => !COMPONENTS[m]))];
    if (missing.length) {
      throw new IllegalStateError(
        `module ${missing.join(', ')} is not implemented in this version of fedflow (available: ${Object.keys(COMPONENTS).filter((m) => !localOnlyModuleRefusal([m])).sort().join(', ')})`,
      );
    }
    const cluster = plan.workMode === 1 ? this.s.cluster : undefined;
    if (plan.workMode === 1 && !cluster) throw new IllegalStateError('cluster mode jobs (work_mode 1) need a node started in cluster mode (--work-mode 1 --party-id ...)');
    if (cluster && String(plan.initiator.partyId) !== cluster.partyId) {
      throw new IllegalStateError(`initiator party ${plan.initiator.partyId} is not the party of this node (${cluster.partyId}): submit the job at the initiator's node`);
    }
    // Cluster: the other parties accept the job first (or the submit fails, canceled where accepted).
    if (cluster) await cluster.createOnOtherParties(jobId, plan);
    const at = this.s.clock.now();
    const initiator = { role: plan.initiator.role, partyId: String(plan.initiator.partyId) };
    await writeJobFiles(this.s.config.dataDir, jobId, plan.dsl, plan.conf);
    // Every row but the initiator's first, so the scheduler (triggered by the initiator's row) finds them all.
    const parties = Object.entries(plan.roles)
      .flatMap(([role, ids]) => ids.map((id) => ({ role, partyId: String(id) })))
      .filter((p) => !cluster || p.partyId === cluster.partyId);
    parties.sort((a, b) => Number(a.role === initiator.role && a.partyId === initiator.partyId) - Number(b.role === initiator.role && b.partyId === initiator.partyId));
    // All rows in one commit (in that order), where the store can: the job appears whole or not at all.
    const { position } = await handleCommands(this.s.store, parties.map((party) => ({
      streamId: jobStreamId(jobId, party.role, party.partyId),
      decider: jobDecider,
      assumeNew: true,
      command: {
        type: 'CreateJob',
        data: {
          jobId, ...party, initiator, isInitiator: party.role === initiator.role && party.partyId === initiator.partyId, workMode: plan.workMode,
          roles: plan.roles as Record<string, number[]>, dsl: plan.dsl, runtimeConf: plan.conf, trainRuntimeConf, runIp: this.s.runIp, tag: '', at,
        },
      } satisfies JobCommand,
    })), { retries: 0 });
    const last = position ?? 0n;
    await this.s.views.waitFor(last);
    return { jobId, modelId: plan.modelId, modelVersion: plan.modelVersion };
  }

  /** Known only where the guest's data lives: this node in standalone, the guest's node in cluster mode. */
  private guestEvalDataLabelled(plan: JobPlan): boolean {
    const guest = plan.roles['guest']?.[0];
    const models = this.s.models;
    if (guest === undefined || !models || (this.s.cluster && this.s.cluster.partyId !== String(guest))) return false;
    const modelOfGuest = partyModelId('guest', guest, plan.modelId);
    return guestEvalDataLabelled(plan, {
      dataioMeta: (component, alias) => models.componentModel(modelOfGuest, plan.modelVersion, component, alias)?.DataIOMeta,
      tableHeader: (table) => {
        const header = getTable(this.s.views.db, table.namespace, table.name)?.meta.header;
        return typeof header === 'string' ? header.split(',').map((h) => h.trim()) : undefined;
      },
    });
  }
}
