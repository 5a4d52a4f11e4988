import { readyConditionCheck } from './ready-condition';

const SOURCES = ['Kuadrant/limitador-operator v0.17.1 controllers/limitador_status.go (readyCondition, checkLimitadorAvailable)'];

/**
 * Limitador: `status.conditions` `Ready` and `status.observedGeneration`.
 * True -> Healthy; LimitadorNotAvailable (its Deployment is rolling out or
 * not available yet, with the Deployment's own message) -> Progressing;
 * ReconcilliationError (sic, the operator's spelling) -> Degraded.
 */
export const LIMITADOR_HEALTH = readyConditionCheck({ group: 'limitador.kuadrant.io', kind: 'Limitador', operator: 'Limitador operator', sources: SOURCES, progressingReasons: ['LimitadorNotAvailable'] });
