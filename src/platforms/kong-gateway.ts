import { Construct } from 'constructs';
import { SecretRef } from '../core/secret-ref';
import { PostgresReference } from '../kong/postgres';
import { TracingCollector } from '../observability/tracing-collector';
import { ModelServingPlatform, ModelServingPlatformOptions } from '../platform/model-serving-platform';
import { RedisReference } from '../policy/redis';
import { CertificateIssuer } from '../tls/certificate';
import { platformAsset, RUNBOOK_BASE_URL } from './assets';

/** The catalog of the platform, committed next to this file. */
export const KONG_GATEWAY_CATALOG = 'catalogs/kong-gateway.yaml';

/**
 * The options of the `kong-gateway` platform: what the platform team owns
 * (the Kong workload, TLS, Redis, observability), as opposed to the catalog,
 * which the service and model teams edit.
 *
 * - Kong: 3 to 10 replicas (CPU and memory), PostgreSQL
 *   `aikernel-infrastructure/postgresql` (password by reference),
 *   migrations as Argo CD hooks, a daily configuration export kept 14 days
 *   on an encrypted class, TLS 1.3 only, the write-up's tuning (4 workers,
 *   16384 connections each, 256m entity cache).
 * - TLS: a cert-manager Certificate for `api.aikernel.io` from
 *   `letsencrypt-prod` (ECDSA P-256, 90 days, renewed 30 days before expiry).
 * - Limits counted in Redis `aikernel-infrastructure/redis`.
 * - Observability: Kong metrics, alerts and dashboard; OpenTelemetry to
 *   Jaeger (10% of requests); a global access log without credentials.
 * - The catalog's models in namespace `kong-models` (`models` belongs to
 *   the `kserve-platform` platform of the same app).
 * - Catalog services may route into `aikernel` and `platform-internal`
 *   only: a catalog line naming any other namespace fails synth.
 */
export function kongGatewayOptions(): ModelServingPlatformOptions {
  const infra = 'aikernel-infrastructure';
  return {
    description:
      'Kong Gateway (OSS) with the Kong Ingress Controller on PostgreSQL; routes and plugins compiled from a reviewed catalog file: JWT and API keys, limits in Redis, CORS, IP restriction, transformations, a KServe model.',
    hostname: 'api.aikernel.io',
    // Its own model namespace: kserve-platform owns Namespace/models, and one object has one owning platform (synth refuses two).
    modelNamespace: 'kong-models',
    // The namespaces the catalog's services run in; the catalog alone cannot add one (deny by default).
    allowBackendNamespaces: ['aikernel', 'platform-internal'],
    certificate: { issuer: CertificateIssuer.clusterIssuer('letsencrypt-prod') },
    kong: {
      database: PostgresReference.of({
        host: `postgresql.${infra}.svc.cluster.local`,
        database: 'kong',
        user: 'kong',
        password: { secret: SecretRef.named('kong-postgres-credentials'), key: 'password' },
        namespace: infra,
        // The in-cluster server's certificate comes from a private CA: Kong verifies it against that CA.
        caCertificate: { secret: SecretRef.named('postgresql-ca'), key: 'ca.crt' },
      }),
      tuning: { workerProcesses: 4, workerConnections: 16384, memCacheSize: '256m' },
      resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '4', memory: '2Gi' } },
      backup: { storageClassName: 'encrypted-ssd', retention: 14 },
    },
    redis: RedisReference.of({ host: `redis.${infra}.svc.cluster.local`, namespace: infra, password: { secret: SecretRef.named('kong-redis-credentials'), key: 'password' } }),
    monitoring: { runbookBaseUrl: RUNBOOK_BASE_URL },
    tracing: { collector: TracingCollector.jaeger(), samplingRate: 0.1 },
  };
}

/**
 * Reference platform `kong-gateway` (deployment 004): Kong Gateway OSS with
 * the Kong Ingress Controller in front of internal services and a model,
 * built by {@link ModelServingPlatform.fromCatalog} from the committed
 * catalog `src/platforms/catalogs/kong-gateway.yaml`: a JWT service with
 * minute/hour/day limits and header transformations, an API-key service, a
 * public service with CORS and a per-address limit, an internal console
 * restricted to private networks, and a KServe model behind API keys.
 *
 * The write-up's run-time catalog-sync controller is replaced by synthesis:
 * the catalog is compiled at synth time, reviewed as a diff of `dist/`, and
 * applied by Argo CD.
 *
 * @param options.catalogFile another catalog (tests) @default the committed catalog
 * @throws CatalogError naming file, line, column and field when the catalog is invalid
 */
export function kongGatewayPlatform(scope: Construct, options: { readonly id?: string; readonly catalogFile?: string } = {}): ModelServingPlatform {
  return ModelServingPlatform.fromCatalog(scope, options.id ?? 'kong-gateway', options.catalogFile ?? platformAsset(KONG_GATEWAY_CATALOG), kongGatewayOptions());
}
