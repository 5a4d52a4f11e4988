import { invalid } from './errors';
import { PropScope, requireString } from './prop-types';

/** An AWS region code: a partition-and-area prefix, a direction, a number (`us-east-1`, `ap-southeast-2`, `us-gov-west-1`, `cn-north-1`). */
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * An AWS region code, e.g. `us-east-1`.
 *
 * @see https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 * @throws ModelServingError for a value that is not a string or not shaped like a region code
 */
export function requireAwsRegion(scope: PropScope, field: string, value: unknown): string {
  const region = requireString(scope, field, value, "write the region, e.g. 'us-east-1'");
  if (!AWS_REGION.test(region)) invalid(scope, field, 'must be an AWS region', region, "write e.g. 'us-east-1'");
  return region;
}
