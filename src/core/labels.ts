/** Label keys the library sets on what it synthesizes (Kubernetes recommended labels). */
export const Labels = {
  /** `app.kubernetes.io/managed-by`: always `cdk8s-model-serving`. */
  MANAGED_BY: 'app.kubernetes.io/managed-by',
  /** `app.kubernetes.io/part-of`: the platform name. */
  PART_OF: 'app.kubernetes.io/part-of',
  /** `app.kubernetes.io/name`: the component name (e.g. a model). */
  NAME: 'app.kubernetes.io/name',
  /** `app.kubernetes.io/component`: the role (`predictor`, `gateway`, ...). */
  COMPONENT: 'app.kubernetes.io/component',
} as const;

/** The value of `app.kubernetes.io/managed-by` on every object this library synthesizes. */
export const MANAGED_BY_VALUE = 'cdk8s-model-serving';
