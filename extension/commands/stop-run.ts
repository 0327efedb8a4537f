// RigL: Stop Run — asks a live run to finish its step, checkpoint and stop (it can be resumed).
import * as vscode from 'vscode';
import { StopRunRequest } from '../../server/protocol.js';
import type { Cmd, Ctx } from '../context.js';
import { isStoppable } from '../pure/run-states.js';
import { showRequestError } from '../request-errors.js';
import { pickRun } from '../run-picker.js';

export function stopRun(ctx: Ctx): Cmd {
  return async (argument?: unknown) => {
    const row = await pickRun(ctx.runs, argument, { title: 'RigL: Stop Run', filter: isStoppable, noneMessage: 'RigL: no run is training.' });
    if (!row) return;
    try {
      const { accepted } = await ctx.client.sendRequest(StopRunRequest.type, { runId: row.runId });
      if (!accepted) void vscode.window.showInformationMessage(`RigL: ${row.name} is not running any more.`);
    } catch (error) {
      await showRequestError(`cannot stop ${row.name}`, error);
    }
  };
}
