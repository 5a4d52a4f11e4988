import { App } from 'cdk8s';
import { ArgoCdPlatform } from './argocd';
import { KgatewayKservePlatform } from './kgateway-kserve';
import { KgatewayProductionPlatform } from './kgateway-production';
import { KservePlatform } from './kserve-platform';
import { kongGatewayPlatform } from './kong-gateway';
import { LlmGatewayPlatform } from './llm-gateway';
import { MaasPlatform } from './maas';

export { ArgoCdPlatform, REPO_URL } from './argocd';
export { KgatewayKservePlatform } from './kgateway-kserve';
export { KgatewayProductionPlatform } from './kgateway-production';
export { KservePlatform } from './kserve-platform';
export { KONG_GATEWAY_CATALOG, kongGatewayOptions, kongGatewayPlatform } from './kong-gateway';
export { LlmGatewayPlatform } from './llm-gateway';
export type { LlmGatewayModel, LlmGatewayPlatformProps } from './llm-gateway';
export { MaasPlatform } from './maas';

/** Adds every reference platform synthesized into `dist/` to `app`. */
export function defineReferencePlatforms(app: App): void {
  const platforms = [new KgatewayKservePlatform(app), new KgatewayProductionPlatform(app), new KservePlatform(app), new MaasPlatform(app), kongGatewayPlatform(app), new LlmGatewayPlatform(app)];
  new ArgoCdPlatform(app, 'argocd', { platforms, multiClusterPlatform: platforms[0] });
}
