import { ArgoCdHealthCheck } from './check';
import { luaScript } from './lua';
import { readyConditionCheck } from './ready-condition';

const OPERATOR = 'Kuadrant/kuadrant-operator v1.5.2';

/**
 * AuthPolicy, RateLimitPolicy, TokenRateLimitPolicy, TLSPolicy (and the
 * extension TelemetryPolicy): `status.conditions`
 * `Accepted` then `Enforced` (set only while Accepted is True), and
 * `status.observedGeneration`.
 * - Accepted=False: TargetNotFound, Invalid, Conflicted, Unknown,
 *   MissingDependency (errors.go) -> Degraded; TargetNotFound of a route
 *   synced in a later wave -> Healthy with the message (see `beforeProtectedRoutes`).
 * - Enforced=True (fully or partially) -> Healthy; Enforced=False
 *   Overridden -> Healthy with the message (defaults and overrides are the
 *   designed hierarchy); Unknown (waiting for components to sync, or no
 *   route yet) -> Progressing, or Healthy while the routes come in a later
 *   wave; MissingDependency, MissingResource, InvalidCelExpression -> Degraded.
 */
function policyCheck(kind: string, updater: string, group = 'kuadrant.io', conditions = 'internal/kuadrant/conditions.go (AcceptedCondition, EnforcedCondition)'): ArgoCdHealthCheck {
  const sources = [`${OPERATOR} ${conditions}`, `${OPERATOR} internal/kuadrant/errors.go (reasons and messages)`, `${OPERATOR} ${updater} (Enforced only while Accepted)`];
  const body = `
local status = obj.status
if status == nil or status.conditions == nil or #status.conditions == 0 then
  if beforeProtectedRoutes() and targetsRoute() then
    return result("Healthy", "Not reported yet: the Kuadrant operator reports once the route it targets exists, which Argo CD syncs after this policy")
  end
  return result("Progressing", "Waiting for the Kuadrant operator to report status")
end
if stale(status.observedGeneration) then
  return result("Progressing", "Waiting for the Kuadrant operator to observe the current generation")
end
local accepted = condition(status.conditions, "Accepted")
if accepted == nil then
  return result("Progressing", "Waiting for the Kuadrant operator to accept ${kind}")
end
if accepted.status ~= "True" then
  if accepted.reason == "TargetNotFound" and beforeProtectedRoutes() and targetsRoute() then
    return result("Healthy", describe(accepted) .. " (Argo CD syncs the route after this policy)")
  end
  return result("Degraded", describe(accepted))
end
local enforced = condition(status.conditions, "Enforced")
if enforced == nil then
  return result("Progressing", "Waiting for the Kuadrant operator to enforce ${kind}")
end
if enforced.status == "True" or enforced.reason == "Overridden" then
  return result("Healthy", describe(enforced))
end
if enforced.reason == "Unknown" then
  if beforeProtectedRoutes() and enforced.message == "${kind} is not in the path to any existing routes" then
    return result("Healthy", describe(enforced) .. " (Argo CD syncs protected routes after this policy)")
  end
  return result("Progressing", describe(enforced))
end
return result("Degraded", describe(enforced))
`;
  return { group, kind, sources, lua: luaScript({ title: `Health of ${group} ${kind} (cdk8s-model-serving)`, sources, helpers: ['result', 'condition', 'describe', 'stale', 'beforeProtectedRoutes', 'targetsRoute'], body }) };
}

/** @see policyCheck */
export const AUTH_POLICY_HEALTH = policyCheck('AuthPolicy', 'internal/controller/auth_policy_status_updater.go');
/** @see policyCheck */
export const RATE_LIMIT_POLICY_HEALTH = policyCheck('RateLimitPolicy', 'internal/controller/ratelimit_policy_status_updater.go');
/** @see policyCheck */
export const TOKEN_RATE_LIMIT_POLICY_HEALTH = policyCheck('TokenRateLimitPolicy', 'internal/controller/tokenratelimitpolicy_status_updater.go');
/** @see policyCheck (Enforced=False Unknown while a Certificate is not ready: Progressing) */
export const TLS_POLICY_HEALTH = policyCheck('TLSPolicy', 'internal/controller/tlspolicy_status_updater.go');
/** @see policyCheck (the extension SDK sets the same conditions) */
export const TELEMETRY_POLICY_HEALTH = policyCheck(
  'TelemetryPolicy',
  'cmd/extensions/telemetry-policy/internal/controller/telemetrypolicy_reconciler.go',
  'extensions.kuadrant.io',
  'pkg/extension/controller/utils.go (AcceptedCondition, EnforcedCondition)',
);

const KUADRANT_SOURCES = [`${OPERATOR} internal/controller/kuadrant_status_updater.go (readyCondition, isMissingDependency)`];

/**
 * Kuadrant: `status.conditions` `Ready`. True -> Healthy;
 * LimitadorNotReady, AuthorinoNotReady (the components it deploys are
 * starting) -> Progressing; MissingDependency (Gateway API, a gateway
 * provider, the Authorino or Limitador operator not installed) -> Degraded.
 */
export const KUADRANT_HEALTH = readyConditionCheck({ group: 'kuadrant.io', kind: 'Kuadrant', operator: 'Kuadrant operator', sources: KUADRANT_SOURCES, progressingReasons: ['LimitadorNotReady', 'AuthorinoNotReady'] });
