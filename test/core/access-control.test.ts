import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { AccessControl } from '../../src/core/access-control';
import { setup } from '../util';

describe('AccessControl.stateOf', () => {
  function fixture() {
    const f = setup(['models']);
    return { route: new Construct(f.ns.models, 'route'), gateway: new Construct(f.ns.models, 'gateway'), other: new Construct(f.ns.models, 'other') };
  }

  it("is protected by the route's own policies, then its gateways'", () => {
    const { route, gateway } = fixture();
    AccessControl.attach(gateway, 'edge-policy');
    AccessControl.attach(route, 'model-policy');
    expect(AccessControl.stateOf(route, [gateway], 'ignored while protected')).toEqual({ kind: 'protected', policies: ['model-policy', 'edge-policy'] });
  });

  it('is public with its reason, before exempt', () => {
    const { route, other } = fixture();
    AccessControl.markPublic(route, 'health probes of the load balancer');
    expect(AccessControl.stateOf(route, [other], 'no backends')).toEqual({ kind: 'public', reason: 'health probes of the load balancer' });
  });

  it('is exempt only with a reason, else unprotected', () => {
    const { route, other } = fixture();
    expect(AccessControl.stateOf(route, [other], 'no backends')).toEqual({ kind: 'exempt', reason: 'no backends' });
    expect(AccessControl.stateOf(route, [other])).toEqual({ kind: 'unprotected' });
  });
});
