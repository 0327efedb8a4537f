// The rigl/serverStatus notification: health, start-up work done or not, run counts and probed
// backends. Sent only when something in it changed, so tests and the status bar can wait on it.
import type { Connection } from 'vscode-languageserver/node';
import { ServerStatusNotification, type ServerStatus } from '../protocol.js';

export class ServerStatusReporter {
  private status: ServerStatus;
  private lastSent = '';
  private ready = false;

  constructor(private readonly connection: Connection, initial: ServerStatus) {
    this.status = initial;
  }

  /** Nothing is sent before the client said `initialized`. */
  start(): void {
    this.ready = true;
    this.send();
  }

  update(change: Partial<ServerStatus>): void {
    this.status = { ...this.status, ...change };
    this.send();
  }

  private send(): void {
    if (!this.ready) return;
    const text = JSON.stringify(this.status);
    if (text === this.lastSent) return;
    this.lastSent = text;
    void this.connection.sendNotification(ServerStatusNotification.type, this.status);
  }
}
