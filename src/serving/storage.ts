import { IConstruct } from 'constructs';
import { EnvValue, EnvVars } from '../core/env';
import { refuseCredential } from '../core/credential-refusal';
import { invalid, ModelServingError } from '../core/errors';
import { assertPinnedImage, imageTag } from '../core/image';
import { isDnsSubdomain } from '../core/names';
import { assertSafePath } from '../core/url-path';
import { ISecretReference } from '../core/secret-ref';
import { IServiceAccount } from '../core/service-account';
import { checkedRecord } from '../core/records';

/** Options of {@link Storage.s3} and {@link Storage.gcs}. */
export interface CloudStorageOptions {
  /**
   * The ServiceAccount the predictor runs as to read the bucket: one carrying
   * the IRSA role annotation, or credentials Secrets (see {@link S3ServiceAccount}).
   * @default - the namespace's default identity (only for public buckets)
   */
  readonly serviceAccount?: IServiceAccount;
}

/**
 * The pod annotation naming the Secret KServe's storage initializer takes
 * its download credentials from (the `storageSecretNameAnnotation` of
 * KServe's `inferenceservice-config`); it wins over the ServiceAccount's
 * secrets.
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/credentials/service_account_credentials.go
 */
export const STORAGE_SECRET_ANNOTATION = 'serving.kserve.io/storageSecretName';

/** Options of {@link Storage.hf}. */
export interface HuggingFaceStorageOptions {
  /**
   * A Secret with the Hugging Face token under the key `HF_TOKEN`, for gated
   * or private models. KServe's storage initializer, which downloads the
   * model, reads it only from a Secret named by the pod annotation
   * `serving.kserve.io/storageSecretName` (or attached to the
   * ServiceAccount), and only under the key `HF_TOKEN`
   * (`pkg/credentials/hf/hf_secret.go`): the predictor gets that annotation,
   * and the model server the token as `HF_TOKEN` too.
   * @default - anonymous download
   */
  readonly tokenSecretRef?: ISecretReference;
}

/** What a storage location contributes to the predictor. */
export interface StorageBinding {
  /** `storageUri`, when the location is a URI. */
  readonly storageUri?: string;
  /** `storage` (a storage-spec key), when the location is a storage-config entry. */
  readonly storageSpec?: { readonly key: string; readonly path?: string; readonly parameters?: Record<string, string> };
  /** The ServiceAccount to run as. */
  readonly serviceAccount?: IServiceAccount;
  /** Environment the model container needs (e.g. `HF_TOKEN` from a Secret). */
  readonly env?: EnvVars;
  /** Annotations the predictor pods need (e.g. the storage initializer's credentials Secret). */
  readonly podAnnotations?: Readonly<Record<string, string>>;
}

const S3 = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;
const GCS = /^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](\/.*)?$/;
const HF_REPO = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/**
 * The URI schemes KServe downloads models from: the storage initializer's
 * (`gs`, `s3`, `hdfs`, `webhdfs`, `http(s)`, Azure over https, `hf`), the
 * webhook's `pvc` (a mounted claim) and `oci` / `oci+native` (modelcars).
 * `file://` would read the node's or container's own file system and is
 * refused with every other scheme.
 *
 * @see https://kserve.github.io/website/docs/model-serving/storage/overview
 * @see https://github.com/kserve/kserve/blob/master/charts/kserve-resources/templates/clusterstoragecontainer.yaml (supportedUriFormats)
 */
export const STORAGE_URI_SCHEMES: readonly string[] = ['gs', 's3', 'pvc', 'hf', 'oci', 'oci+native', 'https', 'http', 'hdfs', 'webhdfs'];

/**
 * Where a model's files are (`storageUri` or `storage` of the predictor), and
 * how the predictor gets access. Credentials are always referenced (IRSA
 * role, Secret names), never embedded.
 *
 * @see https://kserve.github.io/website/docs/model-serving/storage/overview
 */
export class Storage {
  /**
   * An S3 (or S3-compatible) location, `s3://bucket/path`.
   *
   * @param options `serviceAccount`: an {@link S3ServiceAccount} with an IRSA
   *   role or a credentials Secret
   */
  public static s3(uri: string, options: CloudStorageOptions = {}): Storage {
    return new Storage('s3', uri, (scope, field) => {
      if (!S3.test(uri)) invalid(scope, field, 'must be an S3 URI like s3://bucket/path (bucket names are lower-case)', uri, 'fix the URI');
      assertSafePath(scope, field, uri.slice('s3://'.length), "give the model's normalized location without '.' or '..' segments, encoded characters or control characters");
      return { storageUri: uri, serviceAccount: options.serviceAccount };
    });
  }

  /** A Google Cloud Storage location, `gs://bucket/path`. */
  public static gcs(uri: string, options: CloudStorageOptions = {}): Storage {
    return new Storage('gcs', uri, (scope, field) => {
      if (!GCS.test(uri)) invalid(scope, field, 'must be a GCS URI like gs://bucket/path', uri, 'fix the URI');
      assertSafePath(scope, field, uri.slice('gs://'.length), "give the model's normalized location without '.' or '..' segments, encoded characters or control characters");
      return { storageUri: uri, serviceAccount: options.serviceAccount };
    });
  }

  /**
   * A Hugging Face Hub repository, `hf://<org>/<model>` (e.g. `Qwen/Qwen3-0.6B`),
   * downloaded by KServe's storage initializer.
   */
  public static hf(repo: string, options: HuggingFaceStorageOptions = {}): Storage {
    return new Storage('hf', `hf://${repo}`, (scope, field) => {
      if (!HF_REPO.test(repo) || repo.split('/').some((s) => s === '.' || s === '..')) invalid(scope, field, "must be a Hugging Face repository id '<org>/<model>' (no '.' or '..' parts)", repo, "pass e.g. 'Qwen/Qwen3-0.6B'");
      return {
        storageUri: `hf://${repo}`,
        env: options.tokenSecretRef ? { HF_TOKEN: EnvValue.fromSecret(options.tokenSecretRef, 'HF_TOKEN') } : undefined,
        podAnnotations: options.tokenSecretRef ? { [STORAGE_SECRET_ANNOTATION]: options.tokenSecretRef.secretName } : undefined,
      };
    });
  }

  /**
   * A PersistentVolumeClaim in the model's namespace, `pvc://<claim>/<path>`.
   *
   * @throws ModelServingError (at bind) for a claim that is not a DNS-1123 subdomain, or a path with NUL, CR, LF, a `..` segment or an encoded dot or slash (it could leave the claim's mount)
   */
  public static pvc(claimName: string, path = ''): Storage {
    const uri = `pvc://${claimName}${path ? `/${path.replace(/^\/+/, '')}` : ''}`;
    return new Storage('pvc', uri, (scope, field) => {
      if (!isDnsSubdomain(claimName)) invalid(scope, field, "must name a PersistentVolumeClaim (a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253 characters)", claimName, 'pass the claim name, e.g. Storage.pvc("models-pvc", "iris")');
      assertSafePath(scope, `${field}.path`, path, 'give the model folder inside the claim without . or .. segments, e.g. "models/iris"');
      return { storageUri: uri };
    });
  }

  /**
   * An OCI image holding the model (modelcars), `oci://registry/repo:tag`;
   * pinned like any image (a tag other than `latest`, or a digest).
   */
  public static oci(reference: string): Storage {
    const uri = `oci://${reference}`;
    return new Storage('oci', uri, (scope, field) => {
      assertPinnedOciReference(scope, field, reference);
      return { storageUri: uri };
    });
  }

  /**
   * Any other URI KServe understands (`https://...`, `oci+native://...`,
   * `hdfs://...`): a scheme of {@link STORAGE_URI_SCHEMES}.
   *
   * @throws ModelServingError when the URI has no scheme or one KServe does
   *   not download from (`file://` included), holds NUL, CR, LF, a `..`
   *   segment or an encoded dot or slash, names a `pvc://` claim that is not
   *   a DNS-1123 subdomain, or an `oci://` / `oci+native://` reference is not
   *   pinned (no tag, or `latest`)
   */
  public static uri(uri: string, options: CloudStorageOptions = {}): Storage {
    return new Storage('uri', uri, (scope, field) => {
      const fix = "give the model's normalized location without '.' or '..' segments, encoded characters or control characters";
      // A control character is named as such (not as a missing scheme): CR and LF would split the storage initializer's request.
      if (typeof uri === 'string' && /[\u0000-\u001F\u007F]/.test(uri)) assertSafePath(scope, field, uri, fix);
      if (typeof uri !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\/\S+$/.test(uri)) invalid(scope, field, 'must be a URI with a scheme', uri, 'pass e.g. https://host/path/model.tar.gz');
      const scheme = uri.slice(0, uri.indexOf('://'));
      if (!STORAGE_URI_SCHEMES.includes(scheme)) {
        invalid(
          scope,
          field,
          scheme === 'file'
            ? "uses file://, which would read the node's or the container's own file system, not a model store"
            : `uses the scheme '${scheme}', which KServe does not download models from (${STORAGE_URI_SCHEMES.map((s) => `${s}://`).join(', ')})`,
          uri,
          'put the model in a bucket, a PersistentVolumeClaim (pvc://claim/path) or an OCI image, and give that URI',
        );
      }
      // The location up to its query: a presigned URL may encode '/' in its query, which names no path.
      const location = uri.slice(scheme.length + 3);
      assertSafePath(scope, field, location.split(/[?#]/)[0], fix);
      if (scheme === 'pvc') {
        const claim = uri.slice('pvc://'.length).split('/')[0];
        if (!isDnsSubdomain(claim)) invalid(scope, field, "must name a PersistentVolumeClaim after pvc:// (a DNS-1123 subdomain: lower-case letters, digits, '-' and '.')", uri, 'write pvc://<claim>/<path>, e.g. pvc://models-pvc/iris');
      }
      const oci = /^oci(\+native)?:\/\/(.*)$/.exec(uri);
      if (oci) assertPinnedOciReference(scope, field, oci[2]);
      return { storageUri: uri, serviceAccount: options.serviceAccount };
    });
  }

  /**
   * An entry of KServe's storage-config Secret (`spec.predictor.model.storage`):
   * `key` names the entry, `path` the model inside it.
   */
  public static storageKey(key: string, path: string, parameters?: Record<string, string>): Storage {
    return new Storage('storage-key', `${key}:${path}`, (scope, field) => {
      if (typeof key !== 'string' || key.trim() === '') invalid(scope, `${field}.key`, 'must name an entry of the storage-config Secret', key, "pass e.g. Storage.storageKey('minio', 'models/iris')");
      if (path !== undefined && path !== '') assertSafePath(scope, `${field}.path`, path, "give the model's folder in the store without '.' or '..' segments, encoded characters or control characters");
      return { storageSpec: { key, path, parameters: checkedRecord(scope, `${field}.parameters`, parameters) } };
    });
  }

  private constructor(
    /** The kind of location: `s3`, `gcs`, `hf`, `pvc`, `oci`, `uri`, `storage-key`. */
    public readonly kind: string,
    /** A readable form of the location. */
    public readonly location: string,
    private readonly binder: (scope: IConstruct, field: string) => StorageBinding,
  ) {}

  /**
   * Checks the location for `scope` and returns what the predictor needs.
   *
   * @throws ModelServingError for a malformed location, or one that holds a credential (user info or a token query in the URI, a key among storage-key parameters)
   */
  public bind(scope: IConstruct, field: string): StorageBinding {
    const binding = this.binder(scope, field);
    refuseCredential(scope, field, binding.storageUri, 'give a URI without user info or token query parameters, and the storage credentials through the ServiceAccount (serviceAccount option) or the storage-config Secret');
    refuseCredential(scope, `${field}.parameters`, binding.storageSpec?.parameters, "leave credentials out of the parameters: KServe reads them from the storage-config Secret entry named by the key");
    return binding;
  }
}

/**
 * Model images are pinned like any image (the same parse as
 * {@link assertPinnedImage}: a valid reference with a tag other than
 * `latest`, or a `@sha256:` digest), reported as a storage error.
 */
function assertPinnedOciReference(scope: IConstruct, field: string, reference: string): void {
  try {
    assertPinnedImage(scope, field, reference);
  } catch (err) {
    if (!(err instanceof ModelServingError)) throw err;
    // `user:token@registry/...` is not a reference, and its user info is a credential: echo neither.
    if (typeof reference === 'string' && /^[^/]*@(?!sha256:)/.test(reference)) {
      invalid(scope, field, 'must be a pinned OCI reference without user info (registry credentials are not part of a reference)', '<redacted>', "drop the 'user:token@' part, give the registry credentials as an image pull Secret of the model's ServiceAccount, and pin a tag or digest");
    }
    // The repository without tag or digest; imageTag knows a registry port (host:5000/repo) is not a tag.
    const noDigest = typeof reference === 'string' ? reference.split('@')[0] : '';
    const tag = imageTag(noDigest);
    const repository = (tag === undefined ? noDigest : noDigest.slice(0, -(tag.length + 1))) || 'registry.example.com/models/name';
    invalid(scope, field, 'must be a pinned OCI reference (a lower-case image reference with a tag other than latest, or a sha256 digest)', reference, `use "${repository}:<version>" or "${repository}@sha256:<digest>"`);
  }
}
