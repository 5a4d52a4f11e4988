/**
 * The Kuadrant policy engine (Authorino and Limitador on Istio or Envoy
 * Gateway): typed constructs for its kinds, and the compiler of access
 * intents registered as engine `kuadrant`.
 */
export { ApiKeySecrets, AUTHORINO_SECRET_LABEL, AUTHORINO_SECRET_LABEL_VALUE } from './api-keys';
export type { ApiKeySecretsProps } from './api-keys';
export { AuthPolicy } from './auth-policy';
export type { AuthenticationRule, AuthorizationRule, AuthPolicyProps, CallbackRule, DenialResponse, MetadataRule, NamedPattern, SuccessFilter, SuccessHeader } from './auth-policy';
export { compiler, DEFAULT_KUADRANT_NAMESPACE } from './compiler';
export { celString, celStringList, IDENTITY_CREDENTIAL, IDENTITY_TIER, IDENTITY_USER_ID, pathPrefixPattern, selector, SOURCE_REMOTE_ADDRESS } from './expressions';
export { AUTHORINO_GRPC_PORT, AUTHORINO_POD_LABELS, Kuadrant, LIMITADOR_GRPC_PORT, LIMITADOR_POD_LABELS } from './kuadrant';
export type { KuadrantProps } from './kuadrant';
export { WINDOW_PATTERN } from './limit';
export type { Limit, Rate } from './limit';
export { LimitPolicyBase } from './limit-policy';
export type { LimitPolicyProps } from './limit-policy';
export { Limitador, LimitadorStorage } from './limitador';
export type { LimitadorProps, RedisCachedOptions } from './limitador';
export { PolicyTarget } from './policy-target';
export type { PolicyTargetKind, TargetReference } from './policy-target';
export { MergeStrategy, Precedence } from './precedence';
export { RateLimitPolicy } from './rate-limit-policy';
export type { RateLimitPolicyProps } from './rate-limit-policy';
export { TelemetryPolicy } from './telemetry-policy';
export type { TelemetryPolicyProps } from './telemetry-policy';
export { CertificateIssuer, CertificateKey, TlsPolicy } from './tls-policy';
export type { TlsPolicyProps } from './tls-policy';
export { TokenRateLimitPolicy } from './token-rate-limit-policy';
export type { TokenRateLimitPolicyProps } from './token-rate-limit-policy';
export { LimitadorSpecRateLimitHeaders as LimitadorRateLimitHeaders, LimitadorSpecTelemetry as LimitadorTelemetry } from '../../../imports/limitador-limitador.kuadrant.io';
export { TlsPolicySpecUsages as CertificateUsage } from '../../../imports/kuadrant-kuadrant.io';
export { KUADRANT_POLICY_ENGINE } from './engine';
