/**
 * The `severity` label of an alert, which Alertmanager routes on.
 *
 * - `critical`: user-facing breakage now (page someone);
 * - `warning`: degradation that needs attention within hours (open a ticket);
 * - `info`: context for other alerts, never notifies on its own.
 *
 * @see https://prometheus.io/docs/practices/alerting/
 */
export class Severity {
  /** Page: users are affected now. */
  public static readonly CRITICAL = new Severity('critical');
  /** Ticket: degradation that needs attention within hours. */
  public static readonly WARNING = new Severity('warning');
  /** Context only; never notifies on its own. */
  public static readonly INFO = new Severity('info');

  private constructor(
    /** The label value: `critical`, `warning` or `info`. */
    public readonly value: 'critical' | 'warning' | 'info',
  ) {}
}
