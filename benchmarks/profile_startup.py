"""Where a pj command's start-up time goes: phases and the imports that cost most.

    python benchmarks/profile_startup.py [--runs 7] [--db PATH] [-- ARGS...]

For each command (default: ``--help``, ``log -n 10``, ``reflect TEXT`` on a copy of the
journal) it reports, as the minimum over ``--runs`` runs (the least disturbed by other
work on the machine):

- the phases inside the process: interpreter start-up and ``site``, ``import typer``,
  importing ``partnerjournal.cli`` (all command modules), building the command tree
  (``typer.main.get_command``), and running the command (parsing, coercing options,
  the command's own lazy imports and its work);
- the modules with the highest cumulative import time (``python -X importtime``), so
  the cost can be pinned on one import.

Compare with the floor, ``python -c "import typer"``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from run import compile_pj, find_pj  # noqa: E402

PHASES = r"""
import sys, time, os
t0 = time.perf_counter()
import typer
t1 = time.perf_counter()
from partnerjournal.cli import app
t2 = time.perf_counter()
cmd = typer.main.get_command(app)
t3 = time.perf_counter()
before = set(sys.modules)
out = sys.stdout
sys.stdout = open(os.devnull, "w")
code = cmd.main(args=sys.argv[1:], prog_name="pj", standalone_mode=False)
sys.stdout = out
t4 = time.perf_counter()
pyd = any(m == "pydantic" for m in set(sys.modules) - before)
print(f"{t1-t0:.6f} {t2-t1:.6f} {t3-t2:.6f} {t4-t3:.6f} {int(pyd)} {code}")
"""

LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def wall(argv: list[str], env: dict, runs: int) -> float:
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def phases(args: list[str], env: dict, runs: int, prepare) -> tuple[list[float], bool]:
    best = None
    pyd = False
    for _ in range(runs):
        prepare()
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", PHASES, *args], env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True)
        total = time.perf_counter() - start
        fields = proc.stdout.split()
        if proc.returncode != 0 or len(fields) < 6:
            raise SystemExit(f"profiling pj {' '.join(args)} failed: {proc.stderr[-500:]}")
        parts = [float(x) for x in fields[:4]]
        pyd = pyd or fields[4] == "1"
        startup = total - sum(parts)  # interpreter, site, process creation and exit
        row = [startup, *parts, total]
        best = row if best is None else [min(a, b) for a, b in zip(best, row)]
    return best, pyd


def imports(argv: list[str], env: dict, runs: int, prepare) -> dict[str, tuple[int, int, int]]:
    """Module -> (min cumulative µs, min self µs, depth) over ``runs`` runs."""
    found: dict[str, tuple[int, int, int]] = {}
    for _ in range(runs):
        prepare()
        proc = subprocess.run([sys.executable, "-X", "importtime", *argv], env=env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
        for m in LINE.finditer(proc.stderr):
            own, cum, depth, name = int(m[1]), int(m[2]), len(m[3]) // 2, m[4]
            old = found.get(name)
            found[name] = (cum, own, depth) if old is None else (
                min(old[0], cum), min(old[1], own), depth)
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, default=None,
                        help="journal to run against (default: the generated 1,000-entry one)")
    parser.add_argument("--top", type=int, default=18)
    parser.add_argument("command", nargs="*", help="one pj command to profile instead")
    args = parser.parse_args(argv)

    pj = find_pj()
    compile_pj()
    scratch = Path(tempfile.mkdtemp(prefix="profile-"))
    db = args.db or HERE / "work" / "data" / "1000" / "journal.sqlite"
    if not db.exists():
        generate.generate(1000, db.parent)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PARTNERJOURNAL_") and k != "PYTHONDONTWRITEBYTECODE"}
    env |= {"NO_COLOR": "1", "COLUMNS": "100", "PARTNERJOURNAL_TODAY": generate.END.isoformat()}
    copy = scratch / "journal.sqlite"

    def fresh_copy() -> None:
        for extra in ("-wal", "-shm"):
            Path(f"{copy}{extra}").unlink(missing_ok=True)
        shutil.copyfile(db, copy)

    commands = [args.command] if args.command else [
        ["--help"], ["log", "-n", "10"], ["reflect", "A short reflection for the profile."]]
    floor = wall([sys.executable, "-c", "import typer"], env, args.runs)
    print(f"pj: {pj}\nfloor (python -c 'import typer'): {floor * 1000:.0f} ms (median)\n"
          f"python -c pass: {wall([sys.executable, '-c', 'pass'], env, args.runs) * 1000:.0f} ms"
          f"; python -S -c pass: {wall([sys.executable, '-S', '-c', 'pass'], env, args.runs) * 1000:.0f} ms\n")
    try:
        for command in commands:
            writes = command[0] in ("reflect", "today", "import")
            run_env = env | {"PARTNERJOURNAL_DB": str(copy if writes else db)}
            prepare = fresh_copy if writes else (lambda: None)
            prepare()
            total = wall([str(pj), *command], run_env, args.runs)
            ph, pyd = phases(command, run_env, args.runs, prepare)
            print(f"## pj {' '.join(command)}: {total * 1000:.0f} ms median = "
                  f"{total / floor:.2f} × floor")
            names = ["process + interpreter + site", "import typer",
                     "import partnerjournal.cli (minus typer)", "build command tree",
                     "run (parse, coerce, lazy imports, work)", "total (min)"]
            for name, value in zip(names, ph):
                print(f"  {name:42s} {value * 1000:7.1f} ms")
            print(f"  pydantic imported while running: {'yes' if pyd else 'no'}")
            found = imports([str(pj), *command], run_env, max(3, args.runs // 2), prepare)
            top = sorted(found.items(), key=lambda kv: -kv[1][0])[: args.top]
            print("  slowest imports (cumulative / self, ms, min over runs):")
            for name, (cum, own, depth) in top:
                print(f"    {'  ' * min(depth, 6)}{name:{50 - 2 * min(depth, 6)}s} "
                      f"{cum / 1000:7.1f} {own / 1000:7.1f}")
            print()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
