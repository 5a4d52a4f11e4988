export * from './check';
export * from './finding';
export * from './pod-specs';
export * from './rule';
export * from './waivers';
export * from './platforms';
export * from './credential-scan';
