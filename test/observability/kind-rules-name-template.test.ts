/**
 * Issue 18 §1 (memory): the models of a kind's rule set are kept as their
 * names when their rules are the set's template filled with them; their
 * rules and promtool cases are produced from it when rendered. The
 * template round-trips exactly, and a model whose rules are not the
 * template filled with its name keeps its own (rendered the same way).
 */
import { Duration } from 'cdk8s';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KServeModelMonitoring } from '../../src/observability/kserve-model-monitoring';
import { fillName, nameTemplate, sameTemplate } from '../../src/observability/name-template';
import { RequestMetrics } from '../../src/observability/request-metrics';
import { Severity } from '../../src/observability/severity';
import { verifyMonitoring } from '../../src/observability/verify-monitoring';
import { InferenceService } from '../../src/serving/inference-service';
import { ModelFormat } from '../../src/serving/model-format';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { setup } from '../util';

const name = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
/** Rule-like data: strings that may hold a model's name, nested in arrays and objects, with Durations and Severities. */
const data = (model: string) =>
  fc.letrec((tie) => ({
    text: fc.oneof(fc.string(), fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${a}${model}${b}`), fc.constant(`${model}-predictor`)),
    leaf: fc.oneof(tie('text'), fc.integer(), fc.constant(undefined), fc.constantFrom(Duration.minutes(5), Duration.hours(1)), fc.constantFrom(Severity.CRITICAL, Severity.WARNING)),
    node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 6 }), tie('node'), { maxKeys: 4 })),
  })).node;

describe('a model’s rules as a template of its name', () => {
  it('gives the rules back exactly when filled with the same name', () => {
    fc.assert(
      fc.property(name.chain((m) => fc.tuple(fc.constant(m), data(m))), ([model, value]) => {
        const made = nameTemplate(value, model);
        expect(made).not.toBeUndefined();
        expect(fillName(made!.template, model)).toStrictEqual(value);
      }),
    );
  });

  it('fills a template equal to another model’s with that model’s rules', () => {
    fc.assert(
      fc.property(name, name, fc.array(fc.string()), (a, b, texts) => {
        const rules = (m: string) => ({ expr: `up{job="${m}-predictor"}`, texts: texts.map((t) => `${t} ${m}`), for: Duration.minutes(5), tests: [{ series: `x{pod="${m}-1"}` }] });
        const [ta, tb] = [nameTemplate(rules(a), a)!.template, nameTemplate(rules(b), b)!.template];
        if (sameTemplate(ta, tb)) expect(fillName(ta, b)).toStrictEqual(rules(b));
      }),
    );
    // Names inside longer words stay: model-1 is not in model-10.
    expect(fillName(nameTemplate('model-1 model-10 model-1-predictor', 'model-1')!.template, 'x')).toBe('x model-10 x-predictor');
  });

  it('tells apart templates that differ, Durations of other lengths included', () => {
    expect(sameTemplate({ a: Duration.minutes(5) }, { a: Duration.minutes(5) })).toBe(true);
    expect(sameTemplate({ a: Duration.minutes(5) }, { a: Duration.minutes(6) })).toBe(false);
    expect(sameTemplate({ a: Duration.minutes(60) }, { a: Duration.hours(1) })).toBe(false);
    expect(sameTemplate({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(sameTemplate(['x'], ['x', 'y'])).toBe(false);
    expect(sameTemplate({ a: ['x'] }, { a: 'x' })).toBe(false);
  });

  it('refuses a value holding the placeholder (it could not be told from the name)', () => {
    expect(nameTemplate({ a: 'iris\u0000' }, 'iris')).toBeUndefined();
  });
});

describe('the kind rules keep each model’s cases through the template', () => {
  function isvc(ns: InferenceService['node']['scope'], n: string) {
    return new InferenceService(ns!, n, { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri(`gs://bucket/${n}`) }) });
  }

  it('renders each model’s cases with its own names, when its rules are the template (one namespace) or its own (the namespace holds a model’s name)', () => {
    for (const namespace of ['ml-models', 'iris-ml']) {
      const { app, ns } = setup([namespace]);
      const chart = ns[namespace];
      const models = ['iris', 'wine', 'digits'];
      const bundles = models.map((n) => new KServeModelMonitoring(chart, `${n}-monitoring`, { model: isvc(chart, n), traffic: RequestMetrics.istio(namespace, `${n}-predictor`) }));
      expect(new Set(bundles.map((b) => b.prometheusRule)).size).toBe(1);
      for (const alert of bundles[0].prometheusRule.alerts) {
        for (const model of models) {
          const own = alert.tests.filter((t) => t.description.startsWith(`${model}: `));
          expect(own.length, `${namespace} ${alert.name} ${model}`).toBeGreaterThanOrEqual(2);
          for (const c of own) {
            for (const l of c.expectedAlerts) expect(l.inferenceservice).toBe(model);
            // The namespace is never taken for a model's name.
            for (const s of c.series) if (s.series.includes('namespace=')) expect(s.series).toMatch(new RegExp(`namespace="${namespace}"`));
          }
        }
      }
      // promtool runs every case against the shared rules: a name filled in wrongly fails it (the template path: model-kind-rules.test.ts).
      if (namespace === 'iris-ml') expect(verifyMonitoring(app).prometheusRules).toBe(3);
    }
  });
});
