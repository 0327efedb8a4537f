// The runs as the extension sees them: the server's list, kept current by the rigl/ status,
// metrics and mask notifications; views listen to onDidChange, dashboards to onDidReceiveEvents.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  ListRunsRequest, RunMaskNotification, RunMetricsNotification, RunStatusNotification, ServerStatusNotification,
  type RunEvent, type RunListItem, type ServerStatus,
} from '../server/protocol.js';
import { RunTable, type RunRow } from './pure/run-table.js';

export interface RunEvents {
  runId: string;
  events: RunEvent[];
}

export class RunsModel implements vscode.Disposable {
  readonly table = new RunTable();
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  private readonly received = new vscode.EventEmitter<RunEvents>();
  private readonly statusChanged = new vscode.EventEmitter<ServerStatus>();
  /** Fires with a run id when one run changed, undefined when the whole list was reloaded. */
  readonly onDidChange = this.changed.event;
  /** Every event the server relays, in arrival order (dashboards forward them). */
  readonly onDidReceiveEvents = this.received.event;
  readonly onDidChangeServerStatus = this.statusChanged.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private refreshing?: Promise<void>;
  private refreshAgain = false;
  private runsDirectory?: string;
  serverStatus?: ServerStatus;

  constructor(private readonly client: LanguageClient, private readonly log: vscode.LogOutputChannel) {
    this.subscriptions.push(
      client.onNotification(RunStatusNotification.type, ({ runId, event }) => {
        if (this.table.applyStatus(runId, event)) this.changed.fire(runId);
        else {
          // A run started elsewhere (another window, the queue): show it now, details from the list.
          this.table.addPlaceholder({ runId, dir: '', name: event.info?.name ?? runId, state: event.state, step: event.step, totalSteps: event.info?.totalSteps ?? 0, updatedAt: event.time });
          this.changed.fire(undefined);
          void this.refresh();
        }
        this.received.fire({ runId, events: [event] });
      }),
      client.onNotification(RunMetricsNotification.type, ({ runId, events }) => {
        if (this.table.applyMetrics(runId, events)) this.changed.fire(runId);
        this.received.fire({ runId, events });
      }),
      client.onNotification(RunMaskNotification.type, ({ runId, events }) => this.received.fire({ runId, events })),
      client.onNotification(ServerStatusNotification.type, (status) => {
        this.serverStatus = status;
        this.statusChanged.fire(status);
        // The runs folder moved (rigl.runsDirectory changed): list the new one.
        if (this.runsDirectory !== undefined && status.runsDirectory !== this.runsDirectory) void this.refresh();
        this.runsDirectory = status.runsDirectory;
      }),
    );
  }

  get(runId: string): RunRow | undefined {
    return this.table.get(runId);
  }

  all(): RunRow[] {
    return this.table.all();
  }

  /** Reloads the list from the server; calls during a reload coalesce into one more reload. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        try {
          const { runs } = await this.client.sendRequest(ListRunsRequest.type, {});
          this.table.replaceAll(runs);
          this.changed.fire(undefined);
        } catch (error) {
          this.log.warn(`could not list runs: ${error instanceof Error ? error.message : String(error)}`);
        }
      } while (this.refreshAgain);
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Shows a run the server just accepted, before the next list arrives. */
  addStarted(item: RunListItem): void {
    this.table.addPlaceholder(item);
    this.changed.fire(undefined);
  }

  forget(runId: string): void {
    this.table.remove(runId);
    this.changed.fire(undefined);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
    this.received.dispose();
    this.statusChanged.dispose();
  }
}
