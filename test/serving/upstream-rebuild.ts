/**
 * Rebuilds one upstream example file of `../shared/examples/kserve` through
 * the typed constructs and compares it with the upstream objects
 * (`test/upstream-compare.ts`), for the `*-upstream.test.ts` files of this
 * folder: the same objects (by `Kind/[namespace/]name`), every upstream
 * field with the same value (after CRD defaults), each of our objects valid
 * against its CRD, and exactly the extra paths the test lists (each one a
 * documented hardening addition of the library).
 */
import * as path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import { expect } from 'vitest';
import { formatIssue, validateObject } from '../../src/validate';
import { compareWithUpstream, Json, objectKey, readObjects } from '../upstream-compare';
import { toV1alpha2 } from './llmisvc-conversion';

export const EXAMPLES = path.resolve(__dirname, '../../../shared/examples/kserve');

/**
 * The objects of an upstream file, relative to `../shared/examples/kserve`,
 * as the apiserver stores them: a v1alpha1 LLMInferenceService(Config) goes
 * through KServe's conversion to v1alpha2 ({@link toV1alpha2}), the version
 * the constructs emit.
 */
export function upstreamObjects(file: string): Json[] {
  return readObjects(path.join(EXAMPLES, file)).map(toV1alpha2);
}

/** A plain cdk8s chart (no Platform: no platform labels or NetworkPolicies), in `namespace` when given. */
export function plainChart(app: App, namespace?: string): Chart {
  return new Chart(app, namespace ?? 'cluster-default', { namespace });
}

/** Every object of the app's charts. */
export function synthCharts(app: App): Json[] {
  return app.charts.flatMap((chart) => chart.toJson() as Json[]);
}

/**
 * Builds `file` with `build` and checks it against upstream.
 *
 * @param extras the paths each of our objects adds, by object key (`Kind/name`)
 * @param file one upstream file, or several rebuilt together (an InferenceService and its TrainedModels)
 * @param defaulted upstream fields ours leaves to a default the cluster applies, by object key (each `path: upstream ≠ ours` line exactly; the caller says why)
 * @param alsoBuilt keys of objects built only so that the rebuilt ones can refer to them (not in the upstream file, not compared)
 * @returns our objects, by key, for further assertions
 */
export function rebuild(
  file: string | readonly string[],
  build: (app: App) => void,
  extras: Readonly<Record<string, readonly string[]>>,
  defaulted: Readonly<Record<string, readonly string[]>> = {},
  alsoBuilt: readonly string[] = [],
): Record<string, Json> {
  const upstream = (typeof file === 'string' ? [file] : file).flatMap(upstreamObjects);
  const app = Testing.app();
  build(app);
  const all = synthCharts(app);
  expect(all.map(objectKey).filter((k) => alsoBuilt.includes(k)).sort(), 'the objects built only to be referred to').toEqual([...alsoBuilt].sort());
  const ours = all.filter((o) => !alsoBuilt.includes(objectKey(o)));
  expect(ours.map(objectKey).sort(), 'the objects we build').toEqual(upstream.map(objectKey).sort());
  expect(Object.keys(extras).sort(), 'extras are listed for every object').toEqual(upstream.map(objectKey).sort());
  const byKey: Record<string, Json> = {};
  for (const theirs of upstream) {
    const key = objectKey(theirs);
    const mine = ours.find((o) => objectKey(o) === key)!;
    byKey[key] = mine;
    expect(validateObject(mine).map(formatIssue), `${key} is valid against its CRD`).toEqual([]);
    const { missing, extra } = compareWithUpstream(theirs, mine);
    expect(missing, `${key}: upstream fields we do not reproduce`).toEqual(defaulted[key] ?? []);
    expect(extra, `${key}: fields we add`).toEqual([...extras[key]].sort());
  }
  return byKey;
}

/** What our InferenceService predictors add to a hand-written one (see ALLOWED_EXTRAS of upstream-examples.test.ts). */
export function predictorExtras(field: string, mode: 'standard' | 'knative' = 'standard'): string[] {
  const P = 'spec.predictor';
  const c = `${P}.${field}`;
  return [
    "metadata.annotations['serving.kserve.io/deploymentMode']",
    `${P}.automountServiceAccountToken`,
    ...(mode === 'knative' ? [] : [`${P}.securityContext`]),
    `${P}.volumes`,
    `${c}.securityContext`,
    `${c}.volumeMounts`,
    `${c}.readinessProbe`,
    `${c}.livenessProbe`,
    `${c}.startupProbe`,
  ];
}
