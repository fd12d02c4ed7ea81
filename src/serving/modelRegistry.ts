// The serving node's models and service ids, as FATE-Serving's ModelManager keeps them: models by
// "<tableName>_<namespace>" (model_version + party model id), service id → model, and on a host the
// guest's model key → the host's model (the partner index a guest's remote inference arrives by).
// Every change is written to one JSON file in the data dir (buffers included), so a restarted
// serving has the same models and bindings without asking flow again.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { decodeServingModel, type ModelBuffers, type ServingModel } from './servingModel.js';

export type ServingRole = 'guest' | 'host';

export interface ModelRef {
  readonly role: string;
  readonly partyId: string;
  readonly tableName: string;
  readonly namespace: string;
}

export interface LoadedModel extends ModelRef {
  readonly role: ServingRole;
  /** The other parties' parts of the same federated model (from the publishLoad request). */
  readonly partners: readonly ModelRef[];
  /** The job's roles (role → party ids), in the request's order: the guest asks its hosts in it. */
  readonly roles: Readonly<Record<string, readonly string[]>>;
  readonly loadedAt: number;
  readonly buffers: ModelBuffers;
  readonly model: ServingModel;
}

interface PersistedState {
  readonly version: 1;
  readonly models: Omit<LoadedModel, 'model'>[];
  readonly services: Record<string, string>;
}

export const modelKey = (tableName: string, namespace: string): string => `${tableName}_${namespace}`;

export class ModelRegistry {
  private readonly models = new Map<string, LoadedModel>();
  private readonly services = new Map<string, string>();
  private readonly partners = new Map<string, string>();
  /** Models in the state file that could not be decoded again (kept out, reported at start). */
  readonly restoreProblems: string[] = [];

  /** statePath undefined = memory only (tests of pure behaviour). */
  constructor(private readonly statePath?: string) {
    if (statePath && existsSync(statePath)) this.restore(statePath);
  }

  put(loaded: LoadedModel): void {
    const key = modelKey(loaded.tableName, loaded.namespace);
    this.forgetPartners(key);
    this.models.set(key, loaded);
    if (loaded.role === 'host') for (const p of loaded.partners) this.partners.set(modelKey(p.tableName, p.namespace), key);
    this.persist();
  }

  get(tableName: string, namespace: string): LoadedModel | undefined {
    return this.models.get(modelKey(tableName, namespace));
  }

  list(): LoadedModel[] {
    return [...this.models.values()];
  }

  bind(serviceId: string, loaded: LoadedModel): void {
    this.services.set(serviceId, modelKey(loaded.tableName, loaded.namespace));
    this.persist();
  }

  byService(serviceId: string): LoadedModel | undefined {
    const key = this.services.get(serviceId);
    return key === undefined ? undefined : this.models.get(key);
  }

  serviceIdsOf(loaded: ModelRef): string[] {
    const key = modelKey(loaded.tableName, loaded.namespace);
    return [...this.services].filter(([, k]) => k === key).map(([id]) => id);
  }

  serviceIds(): string[] {
    return [...this.services.keys()];
  }

  /** The host model whose partner is the given (guest) model. */
  partnerOf(tableName: string, namespace: string): LoadedModel | undefined {
    const key = this.partners.get(modelKey(tableName, namespace));
    return key === undefined ? undefined : this.models.get(key);
  }

  /** Removes a model and the service ids bound to it; false if it was not loaded. */
  unload(tableName: string, namespace: string): boolean {
    const key = modelKey(tableName, namespace);
    if (!this.models.delete(key)) return false;
    this.forgetPartners(key);
    for (const [id, k] of this.services) if (k === key) this.services.delete(id);
    this.persist();
    return true;
  }

  unbind(serviceId: string): boolean {
    if (!this.services.delete(serviceId)) return false;
    this.persist();
    return true;
  }

  private forgetPartners(key: string): void {
    for (const [partner, k] of this.partners) if (k === key) this.partners.delete(partner);
  }

  private persist(): void {
    if (!this.statePath) return;
    const state: PersistedState = {
      version: 1,
      models: this.list().map(({ model: _decoded, ...rest }) => rest),
      services: Object.fromEntries(this.services),
    };
    mkdirSync(dirname(this.statePath), { recursive: true });
    // Write then rename: a crash mid-write leaves the previous state, never half a file.
    const tmp = `${this.statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, this.statePath);
  }

  private restore(path: string): void {
    let state: PersistedState;
    try {
      state = JSON.parse(readFileSync(path, 'utf8')) as PersistedState;
    } catch (err) {
      this.restoreProblems.push(`${path} cannot be read: ${(err as Error).message}`);
      return;
    }
    for (const m of state.models ?? []) {
      try {
        const loaded: LoadedModel = { ...m, model: decodeServingModel(m.buffers, m.role) };
        const key = modelKey(m.tableName, m.namespace);
        this.models.set(key, loaded);
        if (loaded.role === 'host') for (const p of loaded.partners) this.partners.set(modelKey(p.tableName, p.namespace), key);
      } catch (err) {
        this.restoreProblems.push(`model ${modelKey(m.tableName, m.namespace)}: ${(err as Error).message}`);
      }
    }
    for (const [id, key] of Object.entries(state.services ?? {})) if (this.models.has(key)) this.services.set(id, key);
  }
}
