# `python -m rigl_torch --run DIR [--resume] [--max-steps N]` (docs/engines.md): one rank, or with
# `pytorch.processes: N > 1` and no WORLD_SIZE in the environment, the supervisor of N ranks.
from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import List, Optional

from .channel import Channel, StopFlag, listen_for_commands, stop_on_signals
from .distributed import ranks_from_environment, shutdown
from .lifetime import die_with_parent
from .plan import Plan, PlanError, load_plan
from .rundir import RunDirectory


def parse_arguments(argv: List[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m rigl_torch", description="The PyTorch engine of RigL Studio: trains a run directory's plan.json.")
    parser.add_argument("--run", required=True, help="the run directory (holds plan.json)")
    parser.add_argument("--resume", action="store_true", help="continue from the run's latest checkpoint")
    parser.add_argument("--max-steps", type=int, default=None, help="stop (as completed) after this many optimizer steps in total")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    options = parse_arguments(arguments)
    plan = load_plan(options.run)
    processes = int(plan.setting("pytorch.processes", 1))
    if processes > 1 and "WORLD_SIZE" not in os.environ:
        from .launcher import supervise

        return supervise(arguments, processes, options.run)
    return train_rank(options, plan)


def train_rank(options: argparse.Namespace, plan: Plan) -> int:
    from .trainer import Trainer

    ranks = ranks_from_environment()
    run = RunDirectory(options.run)
    stop = StopFlag()
    stop_on_signals(stop)
    if os.environ.get("RIGL_TORCH_SUPERVISED") == "1":
        # A rank whose supervisor is killed outright checkpoints and exits instead of living on.
        die_with_parent(signal.SIGTERM)
    # Only rank 0 speaks on fd 3.
    channel = Channel(plan.run_id, enabled=ranks.leader)
    # Commands come on stdin only from a server that opened fd 3 and started this process itself.
    if ranks.leader and channel.connected and os.environ.get("RIGL_TORCH_SUPERVISED") != "1":
        listen_for_commands(stop)
    try:
        summary = Trainer(run, plan, ranks, stop, channel, options.resume, options.max_steps).train()
    finally:
        shutdown(ranks)
    if summary["state"] == "failed":
        sys.stderr.write(f"rigl_torch: {summary.get('message', 'the run failed')}\n")
        return 1
    return 0


if __name__ == "__main__":
    try:
        code = main()
    except PlanError as error:
        sys.stderr.write(f"rigl_torch: {error}\n")
        code = 2
    except KeyboardInterrupt:
        code = 130
    except Exception as error:  # a failure before the run directory can record it: one readable last line
        import traceback

        traceback.print_exc()
        sys.stderr.write(f"rigl_torch: {type(error).__name__}: {error}\n")
        code = 1
    sys.exit(code)
