/**
 * A hostile CRD given to `validate --crds`: rules whose comprehensions nest
 * over large lists run under the apiserver's CEL cost limits instead of
 * running for minutes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_INVALID, EXIT_VALID } from '../../src/cli/run';
import { CEL_PER_CALL_LIMIT, CEL_RUNTIME_COST_BUDGET } from '../../src/validate/cel/cost';
import { widget, widgetCrd } from '../validate/helpers';
import { cli } from './hostile-helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-bounded-cel-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));


/** Writes a Widget CRD whose spec has a list `items` of integers and the given rules on spec, and one Widget with `n`. */
function setup(name: string, rules: ReadonlyArray<{ rule: string }>, n: readonly number[]): { crds: string; objects: string } {
  const crd = widgetCrd({ type: 'object', properties: { spec: { type: 'object', properties: { items: { type: 'array', items: { type: 'integer' } } }, 'x-kubernetes-validations': rules } } });
  const crds = path.join(tmp, `${name}-crd.yaml`);
  const objects = path.join(tmp, `${name}.yaml`);
  fs.writeFileSync(crds, stringify(crd));
  fs.writeFileSync(objects, stringify(widget({ items: n })));
  return { crds, objects };
}

const list = (size: number): number[] => Array.from({ length: size }, (_, i) => i);
const CUBIC = 'self.items.all(a, self.items.all(b, self.items.all(c, a + b + c >= 0)))';

describe('CEL rules of --crds CRDs run under the apiserver cost limits', () => {
  // Bounded work, not timing: at most ~10 000 000 iterations per object, as in the apiserver.
  const TIMEOUT = 60_000;

  it(`stops a rule over the per-call limit (${CEL_PER_CALL_LIMIT}) with the apiserver's message`, { timeout: TIMEOUT }, () => {
    // 400^3 = 64 000 000 iterations without a limit.
    const { crds, objects } = setup('cubic', [{ rule: CUBIC }], list(400));
    const r = cli('validate', '--crds', crds, objects);
    expect(r.status).toBe(EXIT_INVALID);
    expect(r.out).toEqual([`${objects}: Widget/w: spec: operation cancelled: actual cost limit exceeded evaluating rule: ${CUBIC} (the cost of one rule is limited to ${CEL_PER_CALL_LIMIT}; each element a comprehension iterates costs at least 1)`]);
  });

  it('accepts the same rule on a list small enough, and still reports a false rule', () => {
    const ok = setup('small', [{ rule: CUBIC }], list(20));
    expect(cli('validate', '--crds', ok.crds, ok.objects).status).toBe(EXIT_VALID);
    const bad = setup('small-false', [{ rule: 'self.items.all(a, self.items.all(b, a + b < 30))' }], list(20));
    const r = cli('validate', '--crds', bad.crds, bad.objects);
    expect(r.status).toBe(EXIT_INVALID);
    expect(r.out).toEqual([`${bad.objects}: Widget/w: spec: failed rule: self.items.all(a, self.items.all(b, a + b < 30))`]);
  });

  it(`stops all rules of an object once they spent the budget (${CEL_RUNTIME_COST_BUDGET})`, { timeout: TIMEOUT }, () => {
    // Each rule costs 999 + 999 * 999 = 999 000, under the per-call limit: the 11th spends the object's budget.
    const rule = { rule: 'self.items.all(a, self.items.all(b, true))' };
    const { crds, objects } = setup('budget', Array.from({ length: 12 }, (_, i) => ({ rule: `${rule.rule} || ${i} < 0` })), list(999));
    const r = cli('validate', '--crds', crds, objects);
    expect(r.status).toBe(EXIT_INVALID);
    expect(r.out).toEqual([
      `${objects}: Widget/w: spec: validation failed due to running out of cost budget, no further validation rules will be run (the cost of all rules of one object is limited to ${CEL_RUNTIME_COST_BUDGET})`,
    ]);
  });
});
