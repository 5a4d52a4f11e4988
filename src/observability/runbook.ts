import { invalid } from '../core/errors';
import { IConstruct } from 'constructs';

/** Where runbooks live when a bundle is given no `runbookBaseUrl`. */
export const DEFAULT_RUNBOOK_BASE_URL = 'https://runbooks.cdk8s-model-serving.dev/alerts/';

/**
 * The runbook URL of an alert: `base` + the alert name in kebab case
 * (`KServePredictorDown` → `.../kserve-predictor-down`).
 *
 * @throws ModelServingError when `base` is not an https URL ending in '/' or '#'
 */
export function runbookUrl(scope: IConstruct, base: string | undefined, alertName: string): string {
  const b = base ?? DEFAULT_RUNBOOK_BASE_URL;
  if (!/^https:\/\/\S+[/#]$/.test(b)) invalid(scope, 'runbookBaseUrl', "must be an https URL ending in '/' or '#'", b, "use e.g. 'https://runbooks.example.com/alerts/'");
  return `${b}${alertName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
}
