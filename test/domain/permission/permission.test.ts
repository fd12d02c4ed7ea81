// The permission decider (grants add only what is new, revocations refuse what was never
// granted, `all` revokes a type) and the pure check (deny by default, the first missing
// privilege named; party-wide grants count for every role).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { IllegalStateError, fold } from '../../../src/domain/decider.js';
import { permissionDecider } from '../../../src/domain/permission/decider.js';
import { permissionRefusal, type PermissionRequest } from '../../../src/domain/permission/check.js';
import { datasetValue, type Privilege } from '../../../src/domain/permission/events.js';
import { permissionsProjection } from '../../../projections/permissions/projection.js';

const test = suite('domain/permission');
const p = (type: Privilege['type'], value: string, srcRole = 'guest'): Privilege => ({ srcRole, type, value });
const grant = (privileges: Privilege[]) => ({ type: 'GrantPrivileges' as const, data: { srcPartyId: '9999', privileges, by: 'ops', at: 1 } });

test('grant: only new privileges become an event; a repeat records nothing', () => {
  const events = permissionDecider.decide(grant([p('role', 'host'), p('role', 'host'), p('command', 'create_job')]), permissionDecider.initialState());
  assert.equal(events, [{ type: 'PrivilegesGranted', data: { srcPartyId: '9999', privileges: [p('role', 'host'), p('command', 'create_job')], by: 'ops', at: 1 } }]);
  const state = fold(permissionDecider, events);
  assert.equal(permissionDecider.decide(grant([p('role', 'host')]), state), []);
});

test('revoke: what is held goes; what was never granted is refused in FATE words; allOf empties a type', () => {
  const state = fold(permissionDecider, permissionDecider.decide(grant([p('component', 'heterolr'), p('component', 'dataio'), p('role', 'host')]), permissionDecider.initialState()));
  assert.throws(
    () => permissionDecider.decide({ type: 'RevokePrivileges', data: { srcPartyId: '9999', privileges: [p('component', 'homolr')], by: 'ops', at: 2 } }, state),
    (e: Error) => e instanceof IllegalStateError && /component homolr is not authorized for party 9999 role guest, it cannot be deleted/.test(e.message),
  );
  const all = permissionDecider.decide({ type: 'RevokePrivileges', data: { srcPartyId: '9999', privileges: [], allOf: [{ srcRole: 'guest', type: 'component' }], by: 'ops', at: 2 } }, state);
  assert.equal(all[0]!.data.privileges.map((x) => x.value).sort(), ['dataio', 'heterolr']);
  const after = fold(permissionDecider, [...permissionDecider.decide(grant([p('component', 'heterolr'), p('component', 'dataio'), p('role', 'host')]), permissionDecider.initialState()), ...all]);
  assert.equal([...after.held.values()], [p('role', 'host')]);
});

test('projection: a grant upserts rows with its author, a revocation deletes them', () => {
  const ops = permissionsProjection.project({ type: 'PrivilegesGranted', data: { srcPartyId: '9999', privileges: [p('role', 'host')], by: 'ops', at: 5 } } as never);
  assert.equal(ops, [{ op: 'upsert', table: 't_permission', row: { f_src_party_id: '9999', f_src_role: 'guest', f_type: 'role', f_value: 'host', f_granted_by: 'ops', f_grant_time: 5 } }]);
  const del = permissionsProjection.project({ type: 'PrivilegesRevoked', data: { srcPartyId: '9999', privileges: [p('role', 'host')], by: 'ops', at: 6 } } as never);
  assert.is(del[0]!.op, 'delete');
});

const request: PermissionRequest = {
  srcPartyId: '9999', srcRole: 'guest', command: 'create_job', roles: ['host'], modules: ['DataIO', 'HeteroLR'], datasets: [{ namespace: 'experiment', name: 'breast_hetero_host' }],
};

test('check: deny by default, each missing privilege named in order: role, command, component, dataset', () => {
  assert.match(permissionRefusal([], request)!, /^party 9999 \(guest\) lacks privilege role host: not authorized$/);
  const held = [p('role', 'host'), p('command', 'create_job'), p('component', 'dataio')];
  assert.match(permissionRefusal(held, request)!, /lacks privilege component heterolr/);
  held.push(p('component', 'heterolr', ''));
  assert.match(permissionRefusal(held, request)!, /lacks privilege dataset experiment\.breast_hetero_host/);
  held.push(p('dataset', datasetValue('experiment', 'breast_hetero_host'), ''));
  assert.is(permissionRefusal(held, request), undefined);
  // Privileges granted for another initiator role do not count.
  assert.match(permissionRefusal(held, { ...request, srcRole: 'host' })!, /party 9999 \(host\) lacks privilege role host/);
  assert.match(permissionRefusal(held, { ...request, command: 'run_task' })!, /lacks privilege command run_task/);
});

test.run();
