// Every command id with its factory; activate() registers them all against one Ctx.
import * as vscode from 'vscode';
import type { Cmd, Ctx } from '../context.js';
import { compareRuns } from './compare-runs.js';
import { deleteRun } from './delete-run.js';
import { newConfig } from './new-config.js';
import { openDashboard } from './open-dashboard.js';
import { refreshRuns } from './refresh-runs.js';
import { resumeRun } from './resume-run.js';
import { showTrainerLog } from './show-trainer-log.js';
import { startRun } from './start-run.js';
import { stopRun } from './stop-run.js';
import { openSweep, startSweep } from './start-sweep.js';

const COMMANDS: Record<string, (ctx: Ctx) => Cmd> = {
  'rigl.newConfig': newConfig,
  'rigl.startRun': startRun,
  'rigl.stopRun': stopRun,
  'rigl.resumeRun': resumeRun,
  'rigl.openDashboard': openDashboard,
  'rigl.compareRuns': compareRuns,
  'rigl.showTrainerLog': showTrainerLog,
  'rigl.deleteRun': deleteRun,
  'rigl.refreshRuns': refreshRuns,
  'rigl.startSweep': startSweep,
  'rigl.openSweep': openSweep,
};

export function registerCommands(ctx: Ctx): vscode.Disposable {
  return vscode.Disposable.from(...Object.entries(COMMANDS).map(([id, factory]) => {
    const handler = factory(ctx);
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await handler(...args);
      } catch (error) {
        ctx.log.error(`${id}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        void vscode.window.showErrorMessage(`RigL: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }));
}
