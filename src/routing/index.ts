/** HTTPRoute, GRPCRoute, matches, filters, ReferenceGrant. */
export * from './duration';
export * from './filter';
export * from './grpc-route';
export * from './http-route';
export * from './match';
export * from './reference-grant';
export * from './route-base';
export { routeConflicts } from './route-conflicts';
export type { SourcedManifest } from './route-conflicts';
export { findPlatformNamespace } from './route-wiring';
