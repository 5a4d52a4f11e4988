/** Synthesis into `dist/` and Argo CD delivery. */
export * from './argocd';
export * from './atomic-dir';
export * from './change-plan';
export * from './failure-modes';
export * from './body-limits';
export * from './folder-lock';
export * from './kustomization';
export * from './manifest';
export * from './output-folder';
export * from './pipeline';
export * from './platform-readme';
export * from './sync-waves';
export * from './synth';
export * from './yaml';
