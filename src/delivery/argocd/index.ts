export * from './app-project';
export * from './application';
export * from './application-set';
export * from './health-checks';
