import { IConstruct } from 'constructs';
import { EnvValue, EnvVars } from '../core/env';
import { refuseCredential } from '../core/credential-refusal';
import { invalid, ModelServingError } from '../core/errors';
import { assertPinnedImage, imageTag } from '../core/image';
import { isDnsSubdomain } from '../core/names';
import { ISecretReference } from '../core/secret-ref';
import { IServiceAccount } from '../core/service-account';

/** Options of {@link Storage.s3} and {@link Storage.gcs}. */
export interface CloudStorageOptions {
  /**
   * The ServiceAccount the predictor runs as to read the bucket: one carrying
   * the IRSA role annotation, or credentials Secrets (see {@link S3ServiceAccount}).
   * @default - the namespace's default identity (only for public buckets)
   */
  readonly serviceAccount?: IServiceAccount;
}

/** Options of {@link Storage.hf}. */
export interface HuggingFaceStorageOptions {
  /** A Secret with the Hugging Face token, for gated or private models; exposed as `HF_TOKEN`. @default - anonymous download */
  readonly tokenSecretRef?: ISecretReference;
  /** The key of the token in the Secret. @default 'HF_TOKEN' */
  readonly tokenKey?: string;
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
}

const S3 = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;
const GCS = /^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](\/.*)?$/;
const HF_REPO = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

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
      return { storageUri: uri, serviceAccount: options.serviceAccount };
    });
  }

  /** A Google Cloud Storage location, `gs://bucket/path`. */
  public static gcs(uri: string, options: CloudStorageOptions = {}): Storage {
    return new Storage('gcs', uri, (scope, field) => {
      if (!GCS.test(uri)) invalid(scope, field, 'must be a GCS URI like gs://bucket/path', uri, 'fix the URI');
      return { storageUri: uri, serviceAccount: options.serviceAccount };
    });
  }

  /**
   * A Hugging Face Hub repository, `hf://<org>/<model>` (e.g. `Qwen/Qwen3-0.6B`),
   * downloaded by KServe's storage initializer.
   */
  public static hf(repo: string, options: HuggingFaceStorageOptions = {}): Storage {
    return new Storage('hf', `hf://${repo}`, (scope, field) => {
      if (!HF_REPO.test(repo)) invalid(scope, field, "must be a Hugging Face repository id '<org>/<model>'", repo, "pass e.g. 'Qwen/Qwen3-0.6B'");
      return {
        storageUri: `hf://${repo}`,
        env: options.tokenSecretRef ? { HF_TOKEN: EnvValue.fromSecret(options.tokenSecretRef, options.tokenKey ?? 'HF_TOKEN') } : undefined,
      };
    });
  }

  /** A PersistentVolumeClaim in the model's namespace, `pvc://<claim>/<path>`. */
  public static pvc(claimName: string, path = ''): Storage {
    const uri = `pvc://${claimName}${path ? `/${path.replace(/^\/+/, '')}` : ''}`;
    return new Storage('pvc', uri, (scope, field) => {
      if (!isDnsSubdomain(claimName)) invalid(scope, field, "must name a PersistentVolumeClaim (a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253 characters)", claimName, 'pass the claim name, e.g. Storage.pvc("models-pvc", "iris")');
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
   * Any other URI KServe understands (`https://...`, `oci+native://...`, `azure://...`).
   *
   * @throws ModelServingError when the URI has no scheme, or an `oci://` / `oci+native://` reference is not pinned (no tag, or `latest`)
   */
  public static uri(uri: string, options: CloudStorageOptions = {}): Storage {
    return new Storage('uri', uri, (scope, field) => {
      if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/.test(uri)) invalid(scope, field, 'must be a URI with a scheme', uri, 'pass e.g. https://host/path/model.tar.gz');
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
      return { storageSpec: { key, path, parameters } };
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
