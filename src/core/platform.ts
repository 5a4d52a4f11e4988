import { Chart, ChartProps } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { isAccessControlled } from './access-control';
import { refuseCredential } from './credential-refusal';
import { errorMessage, invalid } from './errors';
import { Labels, MANAGED_BY_VALUE } from './labels';
import { assertDnsLabel } from './names';
import { checkProps, optionalStringMap } from './prop-types';
import { checkedRecord } from './records';

/** Props of {@link Platform}. */
export interface PlatformProps {
  /**
   * The platform name: the output folder `dist/<name>/` and the value of
   * `app.kubernetes.io/part-of` on every object. A DNS-1123 label.
   *
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Extra labels for every object of the platform. Library labels
   * (`app.kubernetes.io/managed-by`, `app.kubernetes.io/part-of`) win on conflict.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /** A short human description, used in the platform's generated README; one that holds a credential is refused. @default - none */
  readonly description?: string;
  /**
   * Deny by default: synth fails for a route that sends traffic to backends
   * without an access policy, unless it is declared public on purpose
   * (`route.allowPublicAccess(reason)`).
   * @default true
   */
  readonly requireAccessPolicies?: boolean;
}

/**
 * One deployable unit: everything that lands in one `dist/<name>/` folder and
 * one Argo CD Application.
 *
 * A Platform is a cdk8s `Chart` without a namespace; it holds cluster-scoped
 * objects (Namespaces, ClusterServingRuntimes) and the {@link Namespace}
 * charts in which everything namespaced is created.
 *
 * ```ts
 * const platform = new Platform(app, 'kgateway-kserve');
 * const models = new Namespace(platform, 'ml-models');
 * new InferenceService(models, 'sklearn-iris', { ... });
 * ```
 */
export class Platform extends Chart {
  /** True when `x` is a Platform (works across copies of this library). */
  public static isPlatform(x: unknown): x is Platform {
    return typeof x === 'object' && x !== null && PLATFORM_SYMBOL in x;
  }

  /** The Platform `c` is part of, or undefined when it is in none. */
  public static tryOf(c: IConstruct): Platform | undefined {
    for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
      if (Platform.isPlatform(s)) return s;
    }
    return undefined;
  }

  /**
   * The Platform a construct belongs to.
   *
   * @throws ModelServingError when the construct is not inside a Platform
   */
  public static override of(c: IConstruct): Platform {
    return Platform.tryOf(c) ?? invalid(c, 'scope', 'must be inside a Platform', c.node.path, 'create the construct inside a Platform or one of its Namespaces: new Platform(app, "my-platform")');
  }

  /** The platform name (output folder and `app.kubernetes.io/part-of`). */
  public readonly platformName: string;
  /** A short human description. */
  public readonly description?: string;
  /** The labels every object of this platform carries (inherited by its Namespace charts). */
  public readonly platformLabels: Readonly<Record<string, string>>;
  private readonly outputFiles = new Map<string, () => string>();
  private readonly setupNoteMap = new Map<string, string | (() => string | undefined)>();

  public constructor(scope: Construct, id: string, props: PlatformProps = {}) {
    const path = `${scope.node.path ? `${scope.node.path}/` : ''}${id}`;
    checkProps(path, props, 'PlatformProps');
    optionalStringMap(path, 'labels', props.labels);
    const name = props.name ?? id;
    assertDnsLabel(`${scope.node.path ? `${scope.node.path}/` : ''}${id}`, 'name', name);
    const labels = { ...(checkedRecord(`${scope.node.path ? `${scope.node.path}/` : ''}${id}`, 'labels', props.labels) ?? {}), [Labels.MANAGED_BY]: MANAGED_BY_VALUE, [Labels.PART_OF]: name };
    super(scope, id, { labels, disableResourceNameHashes: true } satisfies ChartProps);
    Object.defineProperty(this, PLATFORM_SYMBOL, { value: true });
    this.platformName = name;
    refuseCredential(this, 'description', props.description, 'describe the platform without credentials (the description is written to its README.md)');
    this.description = props.description;
    this.platformLabels = labels;
    if (props.requireAccessPolicies ?? true) {
      this.node.addValidation({
        validate: () =>
          this.node
            .findAll()
            .filter(isAccessControlled)
            .filter((c) => c.accessState().kind === 'unprotected')
            .map((c) =>
              errorMessage(c, c.accessTargetName, 'has no access policy and is not declared public (deny by default)', c.accessState().kind, "protect it with an AccessPolicy, or call allowPublicAccess('<reason>') on it."),
            ),
      });
    }
  }

  /**
   * Adds a file to the platform's output folder (next to the manifests, or
   * in one subfolder, which Argo CD's non-recursive directory source does
   * not apply), rendered at synth time, e.g. `POLICY.md` or
   * `patches/argocd-cm.health.yaml`.
   *
   * @throws ModelServingError for a duplicate or unsafe name
   */
  public addOutputFile(name: string, render: () => string): void {
    if (!/^([a-z0-9][a-z0-9-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*\.(md|yaml|json|txt)$/.test(name)) {
      invalid(this, 'output file', 'must be a plain file name ending in .md, .yaml, .json or .txt, optionally in one lower-case subfolder', name, 'use e.g. POLICY.md or patches/argocd-cm.health.yaml');
    }
    if (this.outputFiles.has(name)) invalid(this, 'output file', 'is already registered', name, 'register each file once');
    this.outputFiles.set(name, render);
  }

  /**
   * Records something the cluster needs that `dist/` cannot carry (mesh
   * configuration owned by the mesh installation, a CNI plugin...): the
   * platform README lists it under "Cluster setup outside dist/". The same
   * topic with the same text again is one note.
   *
   * @param topic a short heading, e.g. `Istio mesh config: access log provider`
   * @param text Markdown, or a function that renders it when the notes are
   *   read (at synth, with the whole platform built) and returns undefined
   *   when the note turns out not to be needed; for a topic that already has
   *   a function, a new function is ignored
   * @throws ModelServingError when the topic already has another text
   */
  public addSetupNote(topic: string, text: string | (() => string | undefined)): void {
    const existing = this.setupNoteMap.get(topic);
    if (typeof existing === 'function' && typeof text === 'function') return;
    if (existing !== undefined && existing !== text) invalid(this, 'setup note', 'already has another text', topic, 'give each setup note its own topic');
    this.setupNoteMap.set(topic, text);
  }

  /** The setup notes that apply, sorted by topic. */
  public get setupNotes(): ReadonlyArray<{ readonly topic: string; readonly text: string }> {
    return [...this.setupNoteMap.keys()].sort().flatMap((topic) => {
      const note = this.setupNoteMap.get(topic)!;
      const text = typeof note === 'function' ? note() : note;
      return text === undefined ? [] : [{ topic, text }];
    });
  }

  /** The extra output files, rendered, sorted by name. */
  public renderOutputFiles(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of [...this.outputFiles.keys()].sort()) out[name] = this.outputFiles.get(name)!();
    return out;
  }
}

const PLATFORM_SYMBOL = Symbol.for('cdk8s-model-serving.Platform');
