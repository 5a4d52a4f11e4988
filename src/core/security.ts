import { IConstruct } from 'constructs';
import { SecurityWaivers } from '../security/waivers';
import { invalid } from './errors';

/** A rendered container `securityContext`. */
export interface ContainerSecurityJson {
  readonly allowPrivilegeEscalation: false;
  readonly capabilities: { readonly drop: readonly ['ALL'] };
  readonly runAsNonRoot: boolean;
  readonly readOnlyRootFilesystem: boolean;
  readonly seccompProfile: { readonly type: 'RuntimeDefault' };
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
}

/** A rendered pod `securityContext`. */
export interface PodSecurityJson {
  readonly runAsNonRoot: boolean;
  readonly seccompProfile: { readonly type: 'RuntimeDefault' };
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly fsGroup?: number;
}

/** What a {@link WorkloadSecurity.relaxed} waiver may change. */
export interface SecurityRelaxation {
  /** Why the workload needs it (at least 10 characters); listed in the platform README. */
  readonly reason: string;
  /** Let the container write to its root filesystem (some servers write caches outside /tmp). @default false */
  readonly writableRootFilesystem?: boolean;
  /** Let the container run as root (images whose entrypoint needs uid 0). The namespace then needs a PodSecurity waiver too. @default false */
  readonly allowRoot?: boolean;
}

/**
 * The security settings of a workload the library emits: the restricted Pod
 * Security profile plus a read-only root filesystem (DESIGN section 4), or a
 * documented, reasoned relaxation.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export class WorkloadSecurity {
  /**
   * Restricted: non-root (uid/gid 1000 unless the image sets a non-root user
   * the caller passes), RuntimeDefault seccomp, no privilege escalation, all
   * capabilities dropped, read-only root filesystem with an emptyDir on /tmp.
   */
  public static readonly RESTRICTED = new WorkloadSecurity();

  /**
   * A relaxation for a workload that cannot run fully restricted. Privilege
   * escalation and capabilities stay off in every case.
   *
   * @throws ModelServingError (when applied) if the reason is shorter than 10 characters
   */
  public static relaxed(relaxation: SecurityRelaxation): WorkloadSecurity {
    return new WorkloadSecurity(relaxation);
  }

  private constructor(
    /** The relaxation, when not restricted. */
    public readonly relaxation?: SecurityRelaxation,
  ) {}

  /** Checks the waiver reason against `scope`. */
  public check(scope: IConstruct, field: string): void {
    if (this.relaxation && (typeof this.relaxation.reason !== 'string' || this.relaxation.reason.trim().length < 10)) {
      invalid(scope, `${field}.reason`, 'must explain the relaxation in at least 10 characters', this.relaxation.reason, 'say why the workload cannot run restricted');
    }
  }

  /** The container `securityContext`. */
  public container(runAsUser?: number): ContainerSecurityJson {
    const root = this.relaxation?.allowRoot ?? false;
    return {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: !root,
      readOnlyRootFilesystem: !(this.relaxation?.writableRootFilesystem ?? false),
      seccompProfile: { type: 'RuntimeDefault' },
      runAsUser: root ? undefined : runAsUser,
    };
  }

  /**
   * The container `securityContext` for a pod that may have no pod-level
   * one: {@link container} plus the pod's non-root identity (uid/gid 1000
   * unless root is allowed). Knative refuses every pod-level
   * `securityContext` field unless its `kubernetes.podspec-securitycontext`
   * feature is enabled, while all of these container fields are allowed
   * (knative/serving v1.23.0 pkg/apis/serving/fieldmask.go,
   * `PodSecurityContextMask` and `SecurityContextMask`); the restricted Pod
   * Security profile accepts them per container.
   */
  public containerWithPodIdentity(): ContainerSecurityJson {
    const root = this.relaxation?.allowRoot ?? false;
    return { ...this.container(), runAsUser: root ? undefined : DEFAULT_UID, runAsGroup: root ? undefined : DEFAULT_UID };
  }

  /** The pod `securityContext`: non-root uid/gid 1000 and fsGroup 1000 unless root is allowed. */
  public pod(): PodSecurityJson {
    const root = this.relaxation?.allowRoot ?? false;
    return {
      runAsNonRoot: !root,
      seccompProfile: { type: 'RuntimeDefault' },
      runAsUser: root ? undefined : DEFAULT_UID,
      runAsGroup: root ? undefined : DEFAULT_UID,
      fsGroup: root ? undefined : DEFAULT_UID,
    };
  }

  /**
   * Records the relaxation as waivers of the security rules it breaks
   * (SEC-W06 for a writable root filesystem, SEC-W02 for root) on `target`,
   * with the relaxation's reason, so synth accepts it and the platform README
   * lists it.
   */
  public waive(target: IConstruct): void {
    const r = this.relaxation;
    if (!r) return;
    if (r.writableRootFilesystem) SecurityWaivers.waive(target, 'SEC-W06', r.reason);
    if (r.allowRoot) SecurityWaivers.waive(target, 'SEC-W02', r.reason);
  }

  /** True when the root filesystem is read-only (an emptyDir must back /tmp). */
  public get readOnlyRoot(): boolean {
    return !(this.relaxation?.writableRootFilesystem ?? false);
  }
}

/** The uid/gid workloads run as by default (KServe's own images use 1000). */
export const DEFAULT_UID = 1000;
