// RigL: Refresh Runs — reloads the runs view from the runs folder (runs made by the CLI appear).
import type { Cmd, Ctx } from '../context.js';

export function refreshRuns(ctx: Ctx): Cmd {
  return async () => {
    await ctx.runs.refresh();
  };
}
