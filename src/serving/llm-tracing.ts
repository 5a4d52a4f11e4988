import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { isPlainObject } from '../core/prop-types';
import { assertKnownKeys, assertOneOf, keysOf } from '../core/props';

/** `tracing.sampler` (OTEL_TRACES_SAMPLER). */
export enum LlmTracingSampler {
  /** Follow the parent span's decision, else sample `samplerRatio` of the traces (KServe's default). */
  PARENT_BASED_RATIO = 'parentbased_traceidratio',
  /** Sample `samplerRatio` of the traces, ignoring the parent. */
  RATIO = 'traceidratio',
  /** Follow the parent, else always sample. */
  PARENT_BASED_ALWAYS_ON = 'parentbased_always_on',
  /** Sample everything. */
  ALWAYS_ON = 'always_on',
  /** Sample nothing. */
  ALWAYS_OFF = 'always_off',
}

/**
 * `spec.tracing`: KServe injects OpenTelemetry settings into every
 * component it manages (vLLM, with `-decode`/`-prefill` service-name
 * suffixes, and the scheduler). `{}` turns tracing on with KServe's
 * defaults.
 *
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha2/llm_inference_service_types.go (TracingSpec)
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/tracing.go
 */
export interface LlmTracing {
  /** `exporterEndpoint` (OTEL_EXPORTER_OTLP_ENDPOINT), an `http://` or `https://` URL with host and port. @default 'http://otel-collector:4317' (KServe's) */
  readonly exporterEndpoint?: string;
  /** `sampler`. @default LlmTracingSampler.PARENT_BASED_RATIO (KServe's) */
  readonly sampler?: LlmTracingSampler;
  /** `samplerArg` for the ratio samplers: the share of traces kept, 0 to 1. @default 0.05 (KServe's) */
  readonly samplerRatio?: number;
}

/**
 * Checks and renders `tracing`.
 *
 * @throws ModelServingError for an endpoint that is not an http(s) URL, an unknown sampler, a ratio outside 0..1 or with a sampler that takes none
 */
export function renderTracing(scope: IConstruct, field: string, t: LlmTracing | undefined): Record<string, unknown> | undefined {
  if (t === undefined) return undefined;
  if (!isPlainObject(t)) invalid(scope, field, 'must be an object', t, 'pass tracing: {} for the defaults');
  assertKnownKeys(scope, field, t, keysOf<LlmTracing>({ exporterEndpoint: true, sampler: true, samplerRatio: true }));
  if (t.exporterEndpoint !== undefined) {
    let ok = false;
    try {
      const u = new URL(String(t.exporterEndpoint));
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
    } catch {
      ok = false;
    }
    if (!ok || typeof t.exporterEndpoint !== 'string') invalid(scope, `${field}.exporterEndpoint`, 'must be an http:// or https:// URL of an OTLP collector', t.exporterEndpoint, "use e.g. 'http://otel-collector.observability:4317'");
  }
  const sampler = t.sampler === undefined ? undefined : assertOneOf(scope, `${field}.sampler`, t.sampler, Object.values(LlmTracingSampler));
  if (t.samplerRatio !== undefined) {
    if (typeof t.samplerRatio !== 'number' || !Number.isFinite(t.samplerRatio) || t.samplerRatio < 0 || t.samplerRatio > 1) {
      invalid(scope, `${field}.samplerRatio`, 'must be a number between 0 and 1', t.samplerRatio, 'use e.g. 0.1 for 10% of the traces');
    }
    if (sampler !== undefined && sampler !== LlmTracingSampler.PARENT_BASED_RATIO && sampler !== LlmTracingSampler.RATIO) {
      invalid(scope, `${field}.samplerRatio`, `is read by the ratio samplers only, not by ${sampler}`, t.samplerRatio, 'leave samplerRatio out, or use LlmTracingSampler.PARENT_BASED_RATIO');
    }
  }
  return { exporterEndpoint: t.exporterEndpoint, sampler, samplerArg: t.samplerRatio === undefined ? undefined : String(t.samplerRatio) };
}
