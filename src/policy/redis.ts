import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { isDnsSubdomain } from '../core/names';
import { assertPort } from '../core/port';
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
    if (!isDnsSubdomain(this.props.host)) invalid(scope, `${field}.host`, "must be a lower-case host name (a DNS-1123 subdomain: letters, digits, '-' and '.', at most 253 characters)", this.props.host, 'use the Service DNS name, e.g. redis.data.svc.cluster.local');
    assertPort(scope, `${field}.port`, this.port, 'use 6379');
  }
}
