// RigL: Resume Run — continues a stopped, failed or killed run from its last checkpoint.
// Refused in Restricted Mode, like starting one.
import { ResumeRunRequest } from '../../server/protocol.js';
import type { Cmd, Ctx } from '../context.js';
import { DashboardPanel } from '../dashboard-panel.js';
import { isResumable } from '../pure/run-states.js';
import { showRequestError } from '../request-errors.js';
import { pickRun } from '../run-picker.js';
import { requireTrust } from '../workspace-trust.js';

export function resumeRun(ctx: Ctx): Cmd {
  return async (argument?: unknown) => {
    if (!(await requireTrust('resume a training run'))) return;
    const row = await pickRun(ctx.runs, argument, {
      title: 'RigL: Resume Run', filter: isResumable, noneMessage: 'RigL: no stopped, failed or killed run to resume.',
    });
    if (!row) return;
    try {
      await ctx.client.sendRequest(ResumeRunRequest.type, { runId: row.runId });
      void ctx.runs.refresh();
      DashboardPanel.createOrShow(ctx, [row.runId], { preserveFocus: true });
    } catch (error) {
      await showRequestError(`cannot resume ${row.name}`, error);
    }
  };
}
