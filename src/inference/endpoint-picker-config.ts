import { stringify } from 'yaml';
import { invalid } from '../core/errors';
import { refuseCredential } from '../core/credential-refusal';
import { isPlainObject } from '../core/prop-types';

/**
 * One entry of `plugins`: a plugin instance the picker creates.
 *
 * @see https://github.com/llm-d/llm-d-router/blob/v0.10.0/apix/config/v1alpha1/endpointpickerconfig_types.go (PluginSpec)
 */
export interface EndpointPickerPlugin {
  /** `type`: the plugin type, e.g. `queue-scorer`, `prefix-cache-scorer`, `max-score-picker`. */
  readonly type: string;
  /** `name`: what profiles refer to. @default - the type */
  readonly name?: string;
  /** `parameters`: given to the plugin's factory as JSON; no credentials. @default - none */
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/** A plugin of a scheduling profile, with its weight when it is a scorer. */
export interface SchedulingProfilePlugin {
  /** `pluginRef`: the `name` (or type) of an entry of `plugins`. */
  readonly pluginRef: string;
  /** `weight` of a scorer (a non-negative number; upstream charts use 2 for queue and KV-cache, 3 for prefix cache). @default - unset (1 for a scorer) */
  readonly weight?: number;
}

/**
 * A named `schedulingProfiles[]` entry: the filters, scorers (with weights)
 * and picker one scheduling cycle runs.
 */
export interface SchedulingProfile {
  /** `name`, unique. */
  readonly name: string;
  /** `plugins`: at least one. */
  readonly plugins: readonly SchedulingProfilePlugin[];
}

/** Props of {@link EndpointPickerConfig.of}. */
export interface EndpointPickerConfigProps {
  /** `plugins`: the plugin instances (at least one). */
  readonly plugins: readonly EndpointPickerPlugin[];
  /** `schedulingProfiles` (at least one). */
  readonly schedulingProfiles: readonly SchedulingProfile[];
  /** `requestHandler.parsers`: plugin refs of request parsers (e.g. `openai-parser`). @default - the picker's default parser */
  readonly parsers?: readonly string[];
  /** `featureGates`: gate names, optionally `=true`/`=false`. @default - none */
  readonly featureGates?: readonly string[];
}

/** A non-narrowing object check (the props keep their declared types). */
const isObject = (v: unknown): boolean => isPlainObject(v);
const isList = (v: unknown): boolean => Array.isArray(v);

const NAME = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/i;

/**
 * The endpoint picker's configuration file (`EndpointPickerConfig`,
 * `llm-d.ai/v1alpha1`), typed: plugins, scheduling profiles with scorer
 * weights, request parsers, feature gates. It is read by the picker from a
 * ConfigMap (`--config-file`), not applied to the apiserver.
 *
 * Checks what the picker checks when it loads the file (every `pluginRef`
 * names a plugin, names and profiles are unique, weights are numbers >= 0),
 * so a typo fails at synth instead of in a crash-looping picker.
 *
 * @see https://github.com/llm-d/llm-d-router/blob/v0.10.0/apix/config/v1alpha1/endpointpickerconfig_types.go
 */
export class EndpointPickerConfig {
  /**
   * What the upstream chart renders by default (llm-d-router v0.10.0
   * `config/charts/routerlib/templates/_config.yaml`, `default-plugins.yaml`
   * for vLLM over HTTP): queue, KV-cache utilization and prefix-cache
   * scorers weighted 2, 2 and 3, and the metrics data source reading the
   * model servers' `/metrics` over HTTP.
   */
  public static default(): EndpointPickerConfig {
    return EndpointPickerConfig.of({
      plugins: [
        { type: 'queue-scorer' },
        { type: 'kv-cache-utilization-scorer' },
        { type: 'prefix-cache-scorer' },
        { type: 'metrics-data-source', parameters: { scheme: 'http', path: '/metrics', insecureSkipVerify: true } },
        { type: 'core-metrics-extractor' },
      ],
      schedulingProfiles: [
        {
          name: 'default',
          plugins: [
            { pluginRef: 'queue-scorer', weight: 2 },
            { pluginRef: 'kv-cache-utilization-scorer', weight: 2 },
            { pluginRef: 'prefix-cache-scorer', weight: 3 },
          ],
        },
      ],
    });
  }

  /**
   * A configuration of your own.
   *
   * @throws ModelServingError for no plugins or profiles, a duplicate plugin
   *   name or profile name, a `pluginRef` (profile or parser) that names no
   *   plugin, a negative or non-numeric weight, or credential-shaped parameters
   */
  public static of(props: EndpointPickerConfigProps): EndpointPickerConfig {
    const where = 'EndpointPickerConfig';
    if (!isPlainObject(props)) invalid(where, 'props', 'must be an object', props, 'pass { plugins, schedulingProfiles }');
    if (!isList(props.plugins) || props.plugins.length === 0) invalid(where, 'plugins', 'must list at least one plugin', props.plugins, "pass plugins: [{ type: 'queue-scorer' }, ...]");
    if (!isList(props.schedulingProfiles) || props.schedulingProfiles.length === 0) {
      invalid(where, 'schedulingProfiles', 'must list at least one profile', props.schedulingProfiles, "pass schedulingProfiles: [{ name: 'default', plugins: [{ pluginRef: 'queue-scorer', weight: 1 }] }]");
    }
    const names = new Set<string>();
    props.plugins.forEach((p, i) => {
      if (!isObject(p) || typeof p.type !== 'string' || !NAME.test(p.type)) invalid(where, `plugins[${i}].type`, 'must be a plugin type such as queue-scorer', p?.type, 'name the plugin type');
      const name = p.name ?? p.type;
      if (!NAME.test(name)) invalid(where, `plugins[${i}].name`, 'must be letters, digits, -, _ or .', name, "use e.g. 'strict-affinity-filter'");
      if (names.has(name)) invalid(where, `plugins[${i}].name`, 'is already used by another plugin (each instance needs its own name)', name, 'give the second instance a name of its own');
      names.add(name);
      if (p.parameters !== undefined && !isPlainObject(p.parameters)) invalid(where, `plugins[${name}].parameters`, 'must be an object', p.parameters, 'pass parameters: { key: value }');
      refuseCredential(where, `plugins[${name}].parameters`, p.parameters, 'the file is stored in a ConfigMap: give the plugin a file mounted from a Secret instead');
    });
    const profiles = new Set<string>();
    props.schedulingProfiles.forEach((s, i) => {
      if (!isObject(s) || typeof s.name !== 'string' || !NAME.test(s.name)) invalid(where, `schedulingProfiles[${i}].name`, 'must be a name', s?.name, "use e.g. 'default'");
      if (profiles.has(s.name)) invalid(where, `schedulingProfiles[${s.name}].name`, 'is already used by another profile', s.name, 'give each profile its own name');
      profiles.add(s.name);
      if (!isList(s.plugins) || s.plugins.length === 0) invalid(where, `schedulingProfiles[${s.name}].plugins`, 'must list at least one plugin', s.plugins, "pass plugins: [{ pluginRef: 'queue-scorer', weight: 1 }]");
      s.plugins.forEach((p, j) => {
        if (!names.has(p.pluginRef)) invalid(where, `schedulingProfiles[${s.name}].plugins[${j}].pluginRef`, `names no plugin (defined: ${[...names].join(', ')})`, p.pluginRef, 'add the plugin to plugins, or fix the name');
        if (p.weight !== undefined && (typeof p.weight !== 'number' || !Number.isFinite(p.weight) || p.weight < 0)) {
          invalid(where, `schedulingProfiles[${s.name}].plugins[${p.pluginRef}].weight`, 'must be a number >= 0', p.weight, 'use relative weights such as 2 and 3');
        }
      });
    });
    props.parsers?.forEach((p, i) => {
      if (!names.has(p)) invalid(where, `requestHandler.parsers[${i}].pluginRef`, `names no plugin (defined: ${[...names].join(', ')})`, p, `add { type: '${p}' } to plugins`);
    });
    props.featureGates?.forEach((g, i) => {
      if (typeof g !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*(=(true|false))?$/.test(g)) invalid(where, `featureGates[${i}]`, "must be a gate name, optionally followed by '=true' or '=false'", g, "use e.g. 'flowControl'");
    });
    return new EndpointPickerConfig(props);
  }

  private constructor(private readonly props: EndpointPickerConfigProps) {}

  /**
   * A copy with one more scorer: the plugin `{ type }` added to `plugins`
   * and referenced with `weight` by every scheduling profile (e.g.
   * `EndpointPickerConfig.default().withScorer('lora-affinity-scorer', 4)`,
   * as KServe v0.20.0's scheduler config weights LoRA affinity).
   *
   * @param weight the scorer's relative weight, a number >= 0
   * @throws ModelServingError as {@link EndpointPickerConfig.of}: a plugin of that name already present, a negative weight
   */
  public withScorer(type: string, weight: number): EndpointPickerConfig {
    return EndpointPickerConfig.of({
      ...this.props,
      plugins: [...this.props.plugins, { type }],
      schedulingProfiles: this.props.schedulingProfiles.map((s) => ({ ...s, plugins: [...s.plugins, { pluginRef: type, weight }] })),
    });
  }

  /** The plugin instance names, in order. */
  public get pluginNames(): string[] {
    return this.props.plugins.map((p) => p.name ?? p.type);
  }

  /** The configuration as the picker reads it (`apiVersion`, `kind`, then the fields). */
  public toJson(): Record<string, unknown> {
    const p = this.props;
    return {
      apiVersion: 'llm-d.ai/v1alpha1',
      kind: 'EndpointPickerConfig',
      ...(p.featureGates && p.featureGates.length > 0 ? { featureGates: [...p.featureGates] } : {}),
      plugins: p.plugins.map((x) => ({ ...(x.name !== undefined ? { name: x.name } : {}), type: x.type, ...(x.parameters !== undefined ? { parameters: { ...x.parameters } } : {}) })),
      schedulingProfiles: p.schedulingProfiles.map((s) => ({ name: s.name, plugins: s.plugins.map((x) => ({ pluginRef: x.pluginRef, ...(x.weight !== undefined ? { weight: x.weight } : {}) })) })),
      ...(p.parsers && p.parsers.length > 0 ? { requestHandler: { parsers: p.parsers.map((pluginRef) => ({ pluginRef })) } } : {}),
    };
  }

  /** The YAML file text. */
  public toYaml(): string {
    return stringify(this.toJson());
  }
}
