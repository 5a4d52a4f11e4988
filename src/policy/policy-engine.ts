import { GatewayProvider } from '../gateway/gateway-provider';
import type { AccessPolicy } from './access-policy';
import type { PolicyCompiler } from './compiler';

const compilers = new Map<string, PolicyCompiler<AccessPolicy>>();

/**
 * The policy engine that enforces an access intent on a gateway: its CRDs
 * are what an {@link AccessPolicy} compiles to. The engines' compilers are
 * registered by `src/policy/engines.ts`, which `access-policy.ts` imports:
 * every engine is registered before any AccessPolicy can exist.
 */
export class PolicyEngine {
  /** kgateway: TrafficPolicy, GatewayExtension (JWT, ext auth, global rate limit service). */
  public static readonly KGATEWAY = new PolicyEngine('kgateway');
  /** Envoy Gateway: SecurityPolicy and BackendTrafficPolicy. */
  public static readonly ENVOY_GATEWAY = new PolicyEngine('envoy-gateway');
  /** Kuadrant (Authorino and Limitador) on Istio or Envoy Gateway: AuthPolicy, RateLimitPolicy, TokenRateLimitPolicy. */
  public static readonly KUADRANT = new PolicyEngine('kuadrant');
  /** Kong Ingress Controller: KongPlugins, KongConsumers and consumer groups. */
  public static readonly KONG = new PolicyEngine('kong');

  /** The engine that usually goes with a gateway implementation (Istio gateways use Kuadrant). */
  public static forProvider(provider: GatewayProvider | undefined): PolicyEngine | undefined {
    switch (provider?.id) {
      case 'kgateway':
        return PolicyEngine.KGATEWAY;
      case 'envoy-gateway':
        return PolicyEngine.ENVOY_GATEWAY;
      case 'istio':
        return PolicyEngine.KUADRANT;
      case 'kong':
        return PolicyEngine.KONG;
      default:
        return undefined;
    }
  }

  /** Registers the compiler of engine `compiler.id` (called once per engine by `engines.ts`). */
  public static register(compiler: PolicyCompiler<AccessPolicy>): void {
    compilers.set(compiler.id, compiler);
  }

  private constructor(
    /** Engine id. */
    public readonly id: string,
  ) {}

  /** The engine's compiler (registered by `engines.ts`, which `access-policy.ts` imports). */
  public compiler(): PolicyCompiler<AccessPolicy> {
    return compilers.get(this.id)!;
  }
}
