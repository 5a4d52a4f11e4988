import { ApiObject } from 'cdk8s';
import { errorMessage, invalid } from '../../core/errors';
import { HttpRoute } from '../../routing/http-route';

/** The route annotation KIC reads Kong's `strip_path` from (`"true"` or `"false"`). */
export const KONG_STRIP_PATH_ANNOTATION = 'konghq.com/strip-path';

/**
 * Kong route settings of a Gateway API route or an Ingress that Kong
 * Ingress Controller reads from annotations.
 *
 * @see https://developer.konghq.com/kubernetes-ingress-controller/reference/annotations/
 */
export class KongRoute {
  /**
   * Sets Kong's `strip_path` on a route (`konghq.com/strip-path`): with
   * `true`, Kong removes the matched path prefix before proxying, so
   * `PathPrefix /httpbin` sends `/httpbin/anything` to the backend as
   * `/anything`. KIC 3.5 leaves it off by default on HTTPRoutes and
   * Ingresses (Gateway API conformance: internal/dataplane/translator/subtranslator/httproute.go),
   * and accepts only `true` or `false` (internal/dataplane/kongstate/route.go overrideStripPath).
   *
   * On an {@link HttpRoute}, checked at synth against the rules (also those added later).
   *
   * @param route an `HttpRoute` of this library, or an `Ingress` (networking.k8s.io/v1) object
   * @param strip `true` to strip the matched prefix. @default true
   * @throws ModelServingError for an object that is neither; at synth, for an
   *   HttpRoute whose rules only match `/` (nothing to strip), or a rule that
   *   also rewrites its path with a URLRewrite filter (two path rewrites whose
   *   combination KIC does not define: use one)
   */
  public static stripPath(route: HttpRoute | ApiObject, strip = true): void {
    if (typeof strip !== 'boolean') invalid(route instanceof HttpRoute ? route : 'KongRoute.stripPath', 'strip', 'must be true or false', strip, 'pass true to strip the matched prefix');
    if (route instanceof HttpRoute) {
      route.addAnnotation(KONG_STRIP_PATH_ANNOTATION, String(strip));
      if (strip && !checked.has(route)) {
        checked.add(route);
        route.node.addValidation({ validate: () => (annotationValue(route) === 'true' ? stripPathProblems(route) : []) });
      }
      return;
    }
    if (route instanceof ApiObject && route.kind === 'Ingress' && route.apiVersion === 'networking.k8s.io/v1') {
      route.metadata.addAnnotation(KONG_STRIP_PATH_ANNOTATION, String(strip));
      return;
    }
    const what = route instanceof ApiObject ? `${route.apiVersion} ${route.kind} ${route.name}` : (route as { node?: { path?: string } })?.node?.path ?? route;
    invalid('KongRoute.stripPath', 'route', 'must be an HttpRoute or a networking.k8s.io/v1 Ingress (KIC ignores strip-path elsewhere; a gRPC path /package.Service/Method must reach the backend whole)', what, 'pass the HttpRoute');
  }

  private constructor() {}
}

const checked = new WeakSet<HttpRoute>();

/** The final `konghq.com/strip-path` value of the route (a later stripPath(route, false) turns the checks off). */
function annotationValue(route: HttpRoute): string | undefined {
  const annotations = (route.resource.metadata.toJson() as { annotations?: Record<string, string> }).annotations;
  return annotations?.[KONG_STRIP_PATH_ANNOTATION];
}

function stripPathProblems(route: HttpRoute): string[] {
  const errors: string[] = [];
  const field = `metadata.annotations['${KONG_STRIP_PATH_ANNOTATION}']`;
  const rules = route.rules;
  const paths = rules.flatMap((r) => (r.matches && r.matches.length > 0 ? r.matches.map((m) => m.path?.value ?? '/') : ['/']));
  if (paths.every((p) => p === '/')) {
    errors.push(errorMessage(route, field, "is 'true' but every rule matches the path '/', so there is no prefix to strip", paths, 'match a path prefix (PathMatch.prefix(\'/httpbin\')), or drop KongRoute.stripPath'));
  }
  rules.forEach((r, i) => {
    const rewrites = (r.filters ?? []).some((f) => f.filterSpec.type === 'URLRewrite' && f.filterSpec.urlRewrite?.path !== undefined);
    if (rewrites) {
      errors.push(errorMessage(route, field, `is 'true' and rule ${r.name ?? i} also rewrites the path with a URLRewrite filter: two path rewrites, whose combination KIC does not define`, r.name ?? i, 'use one: a URLRewrite with PathModifier.replacePrefixMatch(\'/\'), or strip-path alone'));
    }
  });
  return errors;
}
