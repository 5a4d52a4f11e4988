import { App } from 'cdk8s';
import { KgatewayKservePlatform } from './kgateway-kserve';

export { KgatewayKservePlatform } from './kgateway-kserve';

/** Adds every reference platform synthesized into `dist/` to `app`. */
export function defineReferencePlatforms(app: App): void {
  new KgatewayKservePlatform(app);
}
