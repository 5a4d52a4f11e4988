import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { Probe, ProbeTiming } from '../../src/core/probe';
import { KongMigrations, KongMigrationsProps } from '../../src/kong/kong-migrations';
import { Batcher, InferenceService, InferenceServiceProps } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat } from '../../src/serving/model-format';
import { ServingRuntime, VllmRuntimeOptions } from '../../src/serving/serving-runtime';
import { database } from '../kong/fixtures';
import { findObject, setup, synthObjects } from '../util';
import { SRC } from './import-graph';

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelServingError);
    return (e as Error).message;
  }
  throw new Error('expected a ModelServingError');
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (entry.endsWith('.ts')) out.push(full);
  }
  return out;
}

describe('time is a Duration', () => {
  it('no prop in src/ takes a time as a bare number (…Seconds, …Ms, …Millis)', () => {
    const offending: string[] = [];
    for (const file of walk(SRC)) {
      let rendered = false;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          // ProbeJson is the rendered Kubernetes probe (the L1 shape `probe.spec`), not a prop.
          if (line.startsWith('export interface ProbeJson')) rendered = true;
          else if (line === '}') rendered = false;
          // Props, and parameters of public methods and exported functions (SloObjective.latency(thresholdSeconds) was one).
          const signature = /^\s*(public |export function )/.test(line) && /\(.*\b\w*(Seconds|Ms|Millis|Milliseconds)\??: number/.test(line);
          if (!rendered && (signature || /readonly \w*(Seconds|Ms|Millis|Milliseconds)\??: number/.test(line))) offending.push(`${relative(SRC, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offending).toEqual([]);
  });

  it('the old numeric props are gone from the types', () => {
    // @ts-expect-error timeoutSeconds is now timeout: Duration
    const isvc: Partial<InferenceServiceProps> = { timeoutSeconds: 60 };
    // @ts-expect-error maxLatencyMs is now maxLatency: Duration
    const batcher: Batcher = { maxBatchSize: 32, maxLatencyMs: 50 };
    // @ts-expect-error periodSeconds is now period: Duration
    const timing: ProbeTiming = { periodSeconds: 10 };
    // @ts-expect-error maxStartupSeconds is now maxStartup: Duration
    const vllm: VllmRuntimeOptions = { image: 'vllm/vllm-openai:v0.11.0', maxStartupSeconds: 600 };
    // @ts-expect-error timeoutSeconds is now timeout: Duration
    const kong: Partial<KongMigrationsProps> = { timeoutSeconds: 600 };
    expect([isvc, batcher, timing, vllm, kong]).toHaveLength(5);
  });

  it('renders Durations as the integer seconds (or milliseconds) Kubernetes and KServe take', () => {
    const { app, ns } = setup(['models', 'kong'], { requireAccessPolicies: false });
    new InferenceService(ns.models, 'torch', {
      predictor: Predictor.model({
        format: ModelFormat.PYTORCH,
        readinessProbe: Probe.http('/v1/models/torch', 8080, { initialDelay: Duration.seconds(5), period: Duration.seconds(15), timeout: Duration.seconds(3) }),
        startupProbe: Probe.startupFor(Probe.tcp(8080), Duration.minutes(5), Duration.seconds(15)),
      }),
      timeout: Duration.minutes(2),
      batcher: { maxBatchSize: 32, maxLatency: Duration.millis(300), timeout: Duration.minutes(1) },
    });
    ServingRuntime.vllm(ns.models, 'vllm', { image: 'vllm/vllm-openai:v0.11.0', maxStartup: Duration.minutes(20) });
    new KongMigrations(ns.kong, 'migrations', { database: database(), timeout: Duration.minutes(15) });
    const objects = synthObjects(app);
    const predictor = findObject(objects, 'InferenceService', 'torch').spec.predictor;
    expect(predictor.timeout).toBe(120);
    expect(predictor.batcher).toEqual({ maxBatchSize: 32, maxLatency: 300, timeout: 60 });
    expect(predictor.model.readinessProbe).toMatchObject({ initialDelaySeconds: 5, periodSeconds: 15, timeoutSeconds: 3 });
    expect(predictor.model.startupProbe).toMatchObject({ tcpSocket: { port: 8080 }, periodSeconds: 15, failureThreshold: 20 });
    expect(findObject(objects, 'ServingRuntime', 'vllm').spec.containers[0].startupProbe).toMatchObject({ periodSeconds: 10, failureThreshold: 120 });
    expect(findObject(objects, 'Job', 'kong-migrations').spec.activeDeadlineSeconds).toBe(900);
  });

  it('refuses a Duration that is not a whole number of seconds where Kubernetes takes integer seconds', () => {
    const { ns } = setup(['models', 'kong'], { requireAccessPolicies: false });
    const isvc = messageOf(() => new InferenceService(ns.models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }), timeout: Duration.millis(2500) }));
    expect(isvc).toBe(
      'test/models/iris: timeout must be a whole number of seconds (Kubernetes takes this field as integer seconds) (received: "2500ms"). Fix: round it to whole seconds, e.g. Duration.seconds(60)',
    );
    const probe = messageOf(() => Probe.http('/healthz', 8080, { period: Duration.millis(1500) }));
    expect(probe).toContain('Probe.http: timing.period must be a whole number of seconds');
    expect(probe).toContain('(received: "1500ms")');
    const startup = messageOf(() => Probe.startupFor(Probe.tcp(8080), Duration.millis(90_500)));
    expect(startup).toContain('Probe.startupFor: maxStartup must be a whole number of seconds');
    const kong = messageOf(() => new KongMigrations(ns.kong, 'migrations', { database: database(), timeout: Duration.millis(61_500) }));
    expect(kong).toContain('test/kong/migrations: timeout must be a whole number of seconds');
    const vllm = messageOf(() => ServingRuntime.vllm(ns.models, 'vllm', { image: 'vllm/vllm-openai:v0.11.0', maxStartup: Duration.millis(100) }));
    expect(vllm).toContain('test/models/vllm: maxStartup must be a whole number of seconds');
    expect(vllm).toContain('(received: "100ms")');
    const batcher = messageOf(() => new InferenceService(ns.models, 'b', { predictor: Predictor.model({ format: ModelFormat.PYTORCH }), batcher: { maxBatchSize: 32, maxLatency: Duration.millis(50), timeout: Duration.millis(60_250) } }));
    expect(batcher).toContain('test/models/b: batcher.timeout must be a whole number of seconds');
  });

  it('refuses a bare number (no unit) from a caller without types, naming the Duration to use', () => {
    const { ns } = setup(['models'], { requireAccessPolicies: false });
    const message = messageOf(() => new InferenceService(ns.models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }), timeout: 60 as never }));
    expect(message).toBe('test/models/iris: timeout must be a Duration (a bare number has no unit) (received: 60). Fix: use Duration.seconds(60)');
    expect(messageOf(() => Probe.tcp(8080, { timeout: 5 as never }))).toContain('Probe.tcp: timing.timeout must be a Duration (a bare number has no unit) (received: 5)');
  });
});
