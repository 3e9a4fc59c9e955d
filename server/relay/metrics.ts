/** Relay counters, exposed in the Prometheus text format (version 0.0.4) on /metrics. */

type Labels = Record<string, string>;

class LabeledCounter {
  private readonly values = new Map<string, number>();
  constructor(readonly labelName: string) {}
  inc(label: string, by = 1): void {
    this.values.set(label, (this.values.get(label) ?? 0) + by);
  }
  get(label: string): number {
    return this.values.get(label) ?? 0;
  }
  entries(): [string, number][] {
    return [...this.values.entries()].sort(([a], [b]) => a.localeCompare(b));
  }
}

/** Upper bounds (seconds) of the connect-time histogram buckets. */
const CONNECT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class RelayMetrics {
  activeSessions = 0;
  sessionsTotal = 0;
  readonly bytes = new LabeledCounter('direction');
  readonly errors = new LabeledCounter('code');
  readonly refusals = new LabeledCounter('reason');
  readonly closes = new LabeledCounter('reason');
  private readonly connectBuckets = new Array<number>(CONNECT_BUCKETS.length).fill(0);
  private connectCount = 0;
  private connectSumSeconds = 0;

  observeConnect(ms: number): void {
    const s = ms / 1000;
    this.connectCount += 1;
    this.connectSumSeconds += s;
    CONNECT_BUCKETS.forEach((le, i) => {
      if (s <= le) this.connectBuckets[i] += 1;
    });
  }

  /** Prometheus exposition text. */
  render(extra: { rssBytes?: number } = {}): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: [Labels, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) {
        const l = Object.entries(labels)
          .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
          .join(',');
        lines.push(`${name}${l ? `{${l}}` : ''} ${value}`);
      }
    };
    const labeled = (c: LabeledCounter): [Labels, number][] => c.entries().map(([k, v]) => [{ [c.labelName]: k }, v]);
    metric('relay_sessions_active', 'gauge', 'Sessions currently open.', [[{}, this.activeSessions]]);
    metric('relay_sessions_total', 'counter', 'Sessions accepted since start.', [[{}, this.sessionsTotal]]);
    metric('relay_bytes_total', 'counter', 'TCP payload bytes relayed, by direction.', labeled(this.bytes));
    metric('relay_errors_total', 'counter', 'Error events sent to clients, by code.', labeled(this.errors));
    metric('relay_refusals_total', 'counter', 'Sessions or upgrades refused, by reason.', labeled(this.refusals));
    metric('relay_session_closes_total', 'counter', 'Sessions ended, by reason.', labeled(this.closes));
    lines.push('# HELP relay_connect_seconds Time to establish the TCP connection to the target.', '# TYPE relay_connect_seconds histogram');
    CONNECT_BUCKETS.forEach((le, i) => lines.push(`relay_connect_seconds_bucket{le="${le}"} ${this.connectBuckets[i]}`));
    lines.push(`relay_connect_seconds_bucket{le="+Inf"} ${this.connectCount}`);
    lines.push(`relay_connect_seconds_sum ${this.connectSumSeconds}`, `relay_connect_seconds_count ${this.connectCount}`);
    if (extra.rssBytes !== undefined) metric('relay_process_resident_memory_bytes', 'gauge', 'Resident set size of the relay process.', [[{}, extra.rssBytes]]);
    return lines.join('\n') + '\n';
  }
}
