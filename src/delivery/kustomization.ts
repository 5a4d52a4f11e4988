import { toYaml } from './yaml';

/**
 * A `kustomization.yaml` listing a platform's files in apply order (sync
 * wave, then file name), for `kubectl apply -k` users. The Argo CD
 * Applications the library generates read the folder as a plain directory
 * and exclude this file (kustomize is slow on large folders).
 */
export function renderKustomization(files: ReadonlyArray<{ readonly file: string; readonly wave: number }>): string {
  const ordered = [...files].sort((a, b) => a.wave - b.wave || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ordered.map((f) => f.file) });
}
