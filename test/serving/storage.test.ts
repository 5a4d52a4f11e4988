import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../src/core/secret-ref';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat } from '../../src/serving/model-format';
import { S3ServiceAccount } from '../../src/serving/s3-service-account';
import { Storage } from '../../src/serving/storage';
import { findObject, setup, synthObjects } from '../util';

describe('Storage', () => {
  it('S3 through IRSA: a ServiceAccount with the role annotation, used by the predictor', () => {
    const { app, ns } = setup(['models']);
    const sa = new S3ServiceAccount(ns.models, 'models-s3', { roleArn: 'arn:aws:iam::123456789012:role/kserve-models-s3-role', region: 'eu-west-1' });
    new InferenceService(ns.models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.s3('s3://model-artifacts/sklearn/iris', { serviceAccount: sa }) }) });
    const objects = synthObjects(app);
    const account = findObject(objects, 'ServiceAccount', 'models-s3', 'models');
    expect(account.metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/kserve-models-s3-role',
      'serving.kserve.io/s3-region': 'eu-west-1',
      'serving.kserve.io/s3-usehttps': '1',
      'serving.kserve.io/s3-verifyssl': '1',
    });
    expect((account as unknown as { automountServiceAccountToken: boolean }).automountServiceAccountToken).toBe(false);
    const p = findObject(objects, 'InferenceService', 'iris', 'models').spec.predictor;
    expect(p.serviceAccountName).toBe('models-s3');
    expect(p.model.storageUri).toBe('s3://model-artifacts/sklearn/iris');
    expect(account).toMatchSnapshot();
  });

  it('S3 through a credentials Secret: attached by name only', () => {
    const { app, ns } = setup(['models']);
    new S3ServiceAccount(ns.models, 'minio', { credentialsSecret: SecretRef.named('minio-creds'), endpoint: 'minio.storage:9000', useHttps: false });
    const sa = findObject(synthObjects(app), 'ServiceAccount', 'minio', 'models') as unknown as { secrets: unknown; metadata: { annotations: Record<string, string> } };
    expect(sa.secrets).toEqual([{ name: 'minio-creds' }]);
    expect(sa.metadata.annotations['serving.kserve.io/s3-endpoint']).toBe('minio.storage:9000');
    expect(sa.metadata.annotations['serving.kserve.io/s3-usehttps']).toBe('0');
  });

  it.each([
    [Storage.gcs('gs://kfserving-examples/models/sklearn/iris'), 'gs://kfserving-examples/models/sklearn/iris'],
    [Storage.hf('Qwen/Qwen3-0.6B'), 'hf://Qwen/Qwen3-0.6B'],
    [Storage.pvc('models-pvc', 'sklearn/iris'), 'pvc://models-pvc/sklearn/iris'],
    [Storage.oci('ghcr.io/org/model:1.0'), 'oci://ghcr.io/org/model:1.0'],
    [Storage.uri('https://example.com/model.tar.gz'), 'https://example.com/model.tar.gz'],
  ])('%s renders storageUri %s', (storage, uri) => {
    const { app, ns } = setup(['models']);
    new InferenceService(ns.models, 'm', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage }) });
    expect(findObject(synthObjects(app), 'InferenceService', 'm').spec.predictor.model.storageUri).toBe(uri);
  });

  it("a gated Hugging Face model: the storage initializer gets the token Secret through KServe's storageSecretName pod annotation, the model server as HF_TOKEN", () => {
    const { app, ns } = setup(['models']);
    new InferenceService(ns.models, 'mistral', { predictor: Predictor.model({ format: ModelFormat.HUGGINGFACE, storage: Storage.hf('mistralai/Mistral-7B-Instruct-v0.3', { tokenSecretRef: SecretRef.named('hf-token') }) }) });
    new InferenceService(ns.models, 'open', { predictor: Predictor.model({ format: ModelFormat.HUGGINGFACE, storage: Storage.hf('Qwen/Qwen3-0.6B') }) });
    const objects = synthObjects(app);
    const gated = findObject(objects, 'InferenceService', 'mistral', 'models').spec.predictor;
    expect(gated.annotations).toEqual({ 'serving.kserve.io/storageSecretName': 'hf-token' });
    expect(gated.model.env).toContainEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'HF_TOKEN' } } });
    expect(findObject(objects, 'InferenceService', 'open', 'models').spec.predictor.annotations).toBeUndefined();
  });

  it('a storage-config key renders predictor.model.storage', () => {
    const { app, ns } = setup(['models']);
    new InferenceService(ns.models, 'm', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.storageKey('localMinIO', 'sklearn', { bucket: 'example-models' }) }) });
    expect(findObject(synthObjects(app), 'InferenceService', 'm').spec.predictor.model.storage).toEqual({ key: 'localMinIO', path: 'sklearn', parameters: { bucket: 'example-models' } });
  });

  describe('fails when', () => {
    const bind = (s: Storage) => () => {
      const { ns } = setup(['models']);
      new InferenceService(ns.models, 'm', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: s }) });
    };
    it('an S3 URI is malformed', () => expect(bind(Storage.s3('s3:/bucket'))).toThrow(/storage must be an S3 URI like s3:\/\/bucket\/path/));
    it('a GCS URI is malformed', () => expect(bind(Storage.gcs('gcs://bucket/x'))).toThrow(/must be a GCS URI/));
    it('a Hugging Face id has no org', () => expect(bind(Storage.hf('Qwen3-0.6B'))).toThrow(/must be a Hugging Face repository id '<org>\/<model>'/));
    it('an OCI model is not pinned', () => expect(bind(Storage.oci('ghcr.io/org/model:latest'))).toThrow(/must be a pinned OCI reference/));
    it.each(['oci://ghcr.io/org/model:latest', 'oci+native://ghcr.io/org/model', 'oci+native://ghcr.io/org/model:latest'])('a generic OCI URI is not pinned: %s', (uri) =>
      expect(bind(Storage.uri(uri))).toThrow(/must be a pinned OCI reference/),
    );
    it.each(['oci+native://ghcr.io/org/model:1.0', 'oci://ghcr.io/org/model@sha256:' + 'a'.repeat(64)])('(not) a pinned generic OCI URI: %s', (uri) => expect(bind(Storage.uri(uri))).not.toThrow());
    it('an OCI model behind a registry port is not pinned: the fix keeps the port', () => {
      expect(bind(Storage.oci('registry.example.com:5000/models/iris:latest'))).toThrow(
        /storage must be a pinned OCI reference .*\(received: "registry\.example\.com:5000\/models\/iris:latest"\)\. Fix: use "registry\.example\.com:5000\/models\/iris:<version>" or "registry\.example\.com:5000\/models\/iris@sha256:<digest>"/,
      );
      expect(bind(Storage.oci('registry.example.com:5000/models/iris'))).toThrow(/Fix: use "registry\.example\.com:5000\/models\/iris:<version>"/);
      expect(bind(Storage.oci('registry.example.com:5000/models/iris:1.0'))).not.toThrow();
    });
    it.each(['ghcr.io/org/model@sha256:abc', 'ghcr.io/org/model@sha256:' + 'A'.repeat(64), 'ghcr.io/Org/Model:1.0', 'ghcr.io/org/model:1.0 '])('an OCI reference is malformed (digest or name checked as for images): %j', (ref) =>
      expect(bind(Storage.oci(ref))).toThrow(/storage must be a pinned OCI reference/),
    );
    it('an OCI reference carries registry credentials: refused without echoing them', () => {
      let message = '';
      try {
        bind(Storage.uri('oci://robot:s3cr3t-t0ken@registry.example.com/models/iris:1.0'))();
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/storage must be a pinned OCI reference without user info .*\(received: "<redacted>"\)/);
      expect(message).not.toContain('s3cr3t');
    });
    it('an S3 account gives both IRSA and a Secret, or neither', () => {
      const { ns } = setup(['models']);
      expect(() => new S3ServiceAccount(ns.models, 'a', { roleArn: 'arn:aws:iam::123456789012:role/r', credentialsSecret: SecretRef.named('s') })).toThrow(/must give exactly one way to reach S3/);
      expect(() => new S3ServiceAccount(ns.models, 'b', {})).toThrow(/must give exactly one way to reach S3/);
    });
    it('a role ARN is malformed', () => {
      const { ns } = setup(['models']);
      expect(() => new S3ServiceAccount(ns.models, 'a', { roleArn: 'arn:aws:iam::123:role/r' })).toThrow(/roleArn must be an IAM role ARN/);
    });
  });
});
