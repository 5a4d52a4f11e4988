import { ApiObject } from 'cdk8s';
import { invalid } from './errors';
import { Platform } from './platform';

/** Argo CD's per-object sync options annotation. @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/ */
export const ARGOCD_SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/**
 * Keeps `object` in the cluster when its Application is deleted or stops
 * declaring it: Argo CD's `Delete=false` (not deleted with the Application)
 * and `Prune=false` (not pruned by a sync), read per object from
 * `argocd.argoproj.io/sync-options` (argo-cd v3.5.1 `controller/state.go`,
 * gitops-engine `SyncOptionDelete`). For objects an installation shares with
 * other platforms (a controller's install namespace, the cluster's one
 * Kuadrant): deleting one platform's Application must not tear them down for
 * everyone. The platform README lists each one with `reason`, since
 * removing it is then left to the cluster's operators.
 *
 * @param reason why the object outlives the platform (at least 10 characters)
 * @throws ModelServingError for a missing or short reason
 */
export function retainOnRemoval(object: ApiObject, reason: string): void {
  if (typeof reason !== 'string' || reason.trim().length < 10) {
    invalid(object, 'retainOnRemoval', 'needs a reason of at least 10 characters', reason, 'say which installation shares the object and why deleting it with this platform would break others');
  }
  object.metadata.addAnnotation(ARGOCD_SYNC_OPTIONS_ANNOTATION, 'Delete=false,Prune=false');
  const id = `${object.kind}/${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.name}`;
  Platform.tryOf(object)?.addSetupNote(
    `Kept when the Application is deleted: ${id}`,
    `${id} carries \`${ARGOCD_SYNC_OPTIONS_ANNOTATION}: Delete=false,Prune=false\`: Argo CD neither deletes it with this platform's Application nor prunes it. ${reason.trim().replace(/\.$/, '')}. Remove it by hand once nothing uses it.`,
  );
}
