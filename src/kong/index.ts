/**
 * The Kong Gateway workload: Kong OSS with the Kong Ingress Controller on
 * PostgreSQL, its migrations as Argo CD hooks, and a configuration backup.
 */
export * from './kong-backup';
export * from './kong-gateway';
export * from './kong-migrations';
export { KONG_APP_NAME, KONG_IMAGE, KONG_INGRESS_CONTROLLER_IMAGE, KONG_PREFIX_PATH } from './kong-pod';
export * from './postgres';
