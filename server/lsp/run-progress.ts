// Window progress ($/progress begin/report/end) for each trainer process: from its start to its
// final state, with the percentage of planned steps done. Cancelling it asks the run to stop.
import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import { isFinalState } from '../rundir/store.js';
import type { MetricEvent } from '../runs/manager.js';
import type { StatusEvent } from '../protocol.js';

interface RunReporter {
  reporter: Promise<WorkDoneProgressServerReporter | undefined>;
  totalSteps: number;
  lastPercentage: number;
}

export class RunProgress {
  private readonly runs = new Map<string, RunReporter>();

  constructor(private readonly connection: Connection, private readonly stopRun: (runId: string) => void) {}

  onStatus(runId: string, event: StatusEvent): void {
    if (event.state === 'queued') return;
    if (isFinalState(event.state)) {
      this.end(runId);
      return;
    }
    const entry = this.runs.get(runId) ?? this.begin(runId);
    if (event.info) entry.totalSteps = event.info.totalSteps;
    const message = event.state === 'running' ? `step ${event.step}${entry.totalSteps ? ` of ${entry.totalSteps}` : ''}` : event.state;
    this.report(entry, event.step, message);
  }

  onMetrics(runId: string, events: readonly MetricEvent[]): void {
    const entry = this.runs.get(runId);
    const last = events.filter((e) => e.type === 'train').pop();
    if (!entry || !last || last.type !== 'train') return;
    this.report(entry, last.step, `step ${last.step}${entry.totalSteps ? ` of ${entry.totalSteps}` : ''}, loss ${last.loss.toFixed(4)}`);
  }

  dispose(): void {
    for (const runId of [...this.runs.keys()]) this.end(runId);
  }

  private begin(runId: string): RunReporter {
    const reporter = this.connection.window.createWorkDoneProgress().then(
      (created) => {
        created.begin(`RigL run ${runId}`, 0, 'starting', true);
        created.token.onCancellationRequested(() => this.stopRun(runId));
        return created;
      },
      () => undefined, // the client refused the token: no progress UI for this run
    );
    const entry: RunReporter = { reporter, totalSteps: 0, lastPercentage: 0 };
    this.runs.set(runId, entry);
    return entry;
  }

  private report(entry: RunReporter, step: number, message: string): void {
    const percentage = entry.totalSteps > 0 ? Math.min(100, Math.floor((100 * step) / entry.totalSteps)) : entry.lastPercentage;
    // Percentages may only grow within one progress (LSP); a resumed run starts where it stopped anyway.
    entry.lastPercentage = Math.max(entry.lastPercentage, percentage);
    const shown = entry.lastPercentage;
    void entry.reporter.then((reporter) => reporter?.report(shown, message));
  }

  private end(runId: string): void {
    const entry = this.runs.get(runId);
    if (!entry) return;
    this.runs.delete(runId);
    void entry.reporter.then((reporter) => reporter?.done());
  }
}
