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
export { DEFAULT_STREAM_IDLE_TIMEOUT, MIN_STREAM_REQUEST_TIMEOUT, streamSafeTimeouts } from './stream-timeouts';
