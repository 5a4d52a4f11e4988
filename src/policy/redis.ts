import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { ISecretReference } from '../core/secret-ref';

/** Props of {@link RedisReference}. */
export interface RedisReferenceProps {
  /** Host name, e.g. `redis.data.svc.cluster.local`. */
  readonly host: string;
  /** @default 6379 */
  readonly port?: number;
  /** The Secret and key holding the password; never a literal. @default - no password */
  readonly password?: { readonly secret: ISecretReference; readonly key: string };
  /** Connect over TLS. @default false */
  readonly tls?: boolean;
  /** Database number. @default 0 */
  readonly database?: number;
  /** Namespace of the Redis pods, so NetworkPolicies can open egress to them. @default - egress opened to the port on any address */
  readonly namespace?: string;
}

/**
 * A Redis that already exists (the library never deploys stateful stores),
 * referenced for global rate-limit counters. The password stays in a Secret.
 */
export class RedisReference {
  /** A Redis by host and port. */
  public static of(props: RedisReferenceProps): RedisReference {
    return new RedisReference(props);
  }

  private constructor(
    /** The reference. */
    public readonly props: RedisReferenceProps,
  ) {}

  /** The port. */
  public get port(): number {
    return this.props.port ?? 6379;
  }

  /** `host:port`. */
  public get address(): string {
    return `${this.props.host}:${this.port}`;
  }

  /** Checks host and port. @throws ModelServingError */
  public check(scope: IConstruct | string, field: string): void {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(this.props.host)) invalid(scope, `${field}.host`, 'must be a lower-case host name', this.props.host, 'use the Service DNS name, e.g. redis.data.svc.cluster.local');
    if (!Number.isInteger(this.port) || this.port < 1 || this.port > 65535) invalid(scope, `${field}.port`, 'must be between 1 and 65535', this.port, 'use 6379');
  }
}
