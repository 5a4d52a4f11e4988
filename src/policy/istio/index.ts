export * from './authorization-policy';
export * from './mesh-mtls';
export * from './peer-authentication';
