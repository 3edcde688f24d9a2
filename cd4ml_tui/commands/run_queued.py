"""`cd4ml-tui run-queued [--wait]`: start DVC's queued experiment runs in the background.

Starts DVC's queue worker (as `dvc queue start`) and returns at once, listing the runs; with
`--wait` it prints each status change (queued, running, success, failed) until all are done.
"""

from __future__ import annotations

import argparse
import sys
import time

from cd4ml_tui.commands.writing import print_commands
from cd4ml_tui.core.api import finished, open_repo, plan_run_queued, run_states, start_queued

POLL_SECONDS = 1.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wait", action="store_true", help="follow the runs until they end")
    parser.add_argument("--dry-run", action="store_true", help="list the queued runs only")


def run(args: argparse.Namespace) -> int:

    with open_repo(args.path) as repo:
        plan = plan_run_queued(repo)
        for entry in plan.entries:
            name = entry.name or entry.stash_rev[:7]
            print(f"{'queued' if args.dry_run else 'starting'} {name} ({entry.stash_rev[:7]})")
        print_commands(plan.commands, sys.stdout)
        if args.dry_run:
            return 0
        started = start_queued(repo, plan)
        print(f"started {started.workers_started} DVC queue worker(s)")
        if not args.wait:
            return 0
        seen: dict[str, str] = {}
        while True:
            states = run_states(repo, started)
            for state in states:
                if seen.get(state.stash_rev) != state.status:
                    seen[state.stash_rev] = state.status
                    print(f"{state.label}: {state.status}", flush=True)
            if finished(states):
                break
            time.sleep(POLL_SECONDS)
        return 0 if all(s.status == "success" for s in states) else 1
