import { IConstruct } from 'constructs';
import { invalid } from './errors';

const DIGEST = /@sha256:[a-f0-9]{64}$/;
const REFERENCE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** The tag of an image reference (`repo:tag`), if any; a registry port is not a tag. */
export function imageTag(image: string): string | undefined {
  const noDigest = image.replace(DIGEST, '');
  const lastSlash = noDigest.lastIndexOf('/');
  const lastColon = noDigest.lastIndexOf(':');
  return lastColon > lastSlash ? noDigest.slice(lastColon + 1) : undefined;
}

/**
 * Checks that a container image is pinned: a digest (`@sha256:...`) or an
 * explicit tag other than `latest`. An untagged image means `latest`, which
 * changes under a running platform and breaks reproducible rollouts.
 *
 * @throws ModelServingError for a malformed, untagged or `latest` image
 */
export function assertPinnedImage(scope: IConstruct | string, field: string, image: unknown): string {
  if (typeof image !== 'string' || image.length === 0 || !REFERENCE.test(image)) {
    invalid(scope, field, 'must be an image reference such as "registry.example.com/team/server:1.2.3"', image, 'pass a lower-case image reference with a tag or digest');
  }
  if (DIGEST.test(image)) return image;
  const tag = imageTag(image);
  if (tag === undefined) {
    invalid(scope, field, "has no tag, so it means ':latest' and is not pinned", image, `pin a version: "${image}:<version>" or "${image}@sha256:<digest>"`);
  }
  if (tag === 'latest') {
    invalid(scope, field, "uses the ':latest' tag, which is not pinned", image, `pin a version: "${image.slice(0, -':latest'.length)}:<version>" or a digest`);
  }
  return image;
}
