import { Construct } from 'constructs';
import { invalid } from '../core/errors';
import { ISecretReference } from '../core/secret-ref';
import { ServiceAccount } from '../core/service-account';
import { checkProps, childPath } from '../core/prop-types';

/** Props of {@link S3ServiceAccount}: exactly one of `roleArn` and `credentialsSecret`. */
export interface S3ServiceAccountProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** IAM role for service accounts (IRSA): the `eks.amazonaws.com/role-arn` annotation. */
  readonly roleArn?: string;
  /** A Secret with `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, attached by name (never embedded). */
  readonly credentialsSecret?: ISecretReference;
  /** `serving.kserve.io/s3-region`. @default - the SDK default */
  readonly region?: string;
  /** `serving.kserve.io/s3-endpoint`, for S3-compatible stores (host[:port], no scheme). @default - AWS S3 */
  readonly endpoint?: string;
  /** `serving.kserve.io/s3-usehttps`. @default true */
  readonly useHttps?: boolean;
  /** `serving.kserve.io/s3-verifyssl`. @default true */
  readonly verifySsl?: boolean;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/**
 * A ServiceAccount that gives KServe's storage initializer read access to S3:
 * through IRSA (the role annotation) or through a referenced credentials
 * Secret, plus KServe's `serving.kserve.io/s3-*` annotations.
 *
 * @see https://kserve.github.io/website/docs/model-serving/storage/providers/s3
 */
export class S3ServiceAccount extends ServiceAccount {
  public constructor(scope: Construct, id: string, props: S3ServiceAccountProps) {
    checkProps(childPath(scope, id), props, 'S3ServiceAccountProps');
    const path = `${scope.node.path}/${id}`;
    if ((props.roleArn === undefined) === (props.credentialsSecret === undefined)) {
      invalid(path, 'roleArn/credentialsSecret', 'must give exactly one way to reach S3', { roleArn: props.roleArn, credentialsSecret: props.credentialsSecret?.secretName }, 'pass roleArn (IRSA) or credentialsSecret, not both');
    }
    if (props.roleArn !== undefined && !ROLE_ARN.test(props.roleArn)) {
      invalid(path, 'roleArn', 'must be an IAM role ARN', props.roleArn, 'use arn:aws:iam::<12-digit account>:role/<name>');
    }
    if (props.endpoint !== undefined && /^[a-z]+:\/\//.test(props.endpoint)) {
      invalid(path, 'endpoint', 'must be host[:port] without a scheme (set useHttps instead)', props.endpoint, `use "${props.endpoint.replace(/^[a-z]+:\/\//, '')}"`);
    }
    const annotations: Record<string, string> = {};
    if (props.roleArn) annotations['eks.amazonaws.com/role-arn'] = props.roleArn;
    if (props.region) annotations['serving.kserve.io/s3-region'] = props.region;
    if (props.endpoint) annotations['serving.kserve.io/s3-endpoint'] = props.endpoint;
    annotations['serving.kserve.io/s3-usehttps'] = (props.useHttps ?? true) ? '1' : '0';
    annotations['serving.kserve.io/s3-verifyssl'] = (props.verifySsl ?? true) ? '1' : '0';
    super(scope, id, { name: props.name, annotations, secrets: props.credentialsSecret ? [props.credentialsSecret] : undefined });
  }
}
