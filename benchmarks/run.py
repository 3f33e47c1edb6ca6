"""The benchmark suite: the installed ``pj`` against jrnl 4.6 on the same journals.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--runs 5] [--quick]

For each size it generates (or reuses) a synthetic journal in both formats, times every
operation below as a whole process (one warm-up, then the median of ``--runs`` runs),
records the child's peak memory (``ru_maxrss`` from ``os.wait4``) and, in the same run,
the floor: ``python -c "import typer"``. It writes ``benchmarks/results.md`` (and the
raw figures as ``results.json`` beside it). ``--quick`` is the smoke test's mode: fewer
runs, jrnl only if already installed, results under ``benchmarks/work/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

JRNL_VERSION = "4.6"
IMPORT_ENTRIES = 10_000  # pj import is timed on an export of this many reflections
ENTRY = "Told Ana the launch date was unrealistic, kindly, and offered two options."
NOT_AVAILABLE = "not available in this build"


@dataclass(frozen=True)
class Op:
    """One timed operation: the pj arguments and jrnl's equivalent (None: pj only).

    ``kind``: ``read`` runs on the generated journal as is; ``add`` on a fresh copy of
    it each run (so runs do not grow the journal); ``import`` into a new, empty journal
    each run; ``reimport`` into a copy of the journal made once (importing its own
    export changes nothing); ``split`` writes a new folder each run (the last one is
    moved aside, and deleted after the row).
    Placeholders: {tag} {word} {q_from} {q_until} {entry} {import_file} {own_export}
    {jrnl_export} {split_dir}.
    """

    key: str
    label: str
    pj: tuple[str, ...]
    jrnl: tuple[str, ...] | None = None
    kind: str = "read"
    output: bool = True  # a successful run prints something

    def shown(self) -> str:
        """``pj log --tag TAG``: the pj command with its placeholders named."""
        names = {"{entry}": '"TEXT"', "{tag}": "TAG", "{word}": "WORD", "{q_from}": "FROM",
                 "{q_until}": "UNTIL", "{import_file}": "FILE", "{own_export}": "FILE",
                 "{jrnl_export}": "FILE", "{split_dir}": "DIR"}
        return "pj " + " ".join(names.get(a, a) for a in self.pj)

    @property
    def command(self) -> str | None:
        """The pj command that must exist (its ``--help`` succeeds) for the operation."""
        return None if self.pj[0].startswith("-") else self.pj[0]


OPERATIONS: list[Op] = [
    Op("add", "add one entry", ("reflect", "{entry}"), ("{entry}",), kind="add", output=False),
    # on a fresh copy each run, so the day's prompt is chosen (contextual rules and all)
    # rather than read back from the pick kept by the run before
    Op("prompt", "today's prompt, explained", ("prompt", "--explain"), kind="add"),
    Op("today", "today's prompt and a reflection", ("today", "--text", "{entry}"), kind="add"),
    Op("last10", "last 10 entries", ("log", "-n", "10"), ("-n", "10")),
    Op("tag", "tag filter", ("log", "--tag", "{tag}"), ("@{tag}",)),
    Op("quarter", "one quarter's range", ("log", "--from", "{q_from}", "--until", "{q_until}"),
       ("-from", "{q_from}", "-to", "{q_until}")),
    Op("search", "full-text search", ("log", "--search", "{word}"), ("-contains", "{word}")),
    Op("export_md", "markdown export", ("export", "--format", "markdown"),
       ("--export", "markdown")),
    Op("nudge", "nudge", ("nudge",), output=False),
    Op("progress", "progress", ("progress",)),
    Op("report", "report (terminal)", ("report",)),
    Op("report_json", "report --format json", ("report", "--format", "json")),
    Op("export_json", "export --format json", ("export", "--format", "json")),
    Op("import", "import a 10,000-entry export", ("import", "{import_file}", "--format", "json"),
       kind="import", output=False),
    Op("help", "--help", ("--help",)),
    Op("export_split", "export --split day", ("export", "--split", "day", "--output", "{split_dir}"),
       kind="split"),
    Op("report_md", "report --format markdown", ("report", "--format", "markdown")),
    Op("report_html", "report --format html", ("report", "--format", "html")),
    Op("import_all", "import the journal's export into an empty journal",
       ("import", "{own_export}", "--format", "json"), kind="import", output=False),
    Op("import_again", "import the journal's export again (nothing changes)",
       ("import", "{own_export}", "--format", "json"), kind="reimport", output=False),
    Op("import_jrnl", "import jrnl's JSON export into an empty journal",
       ("import", "{jrnl_export}", "--format", "jrnl"), kind="import", output=False),
]

# (operation keys, limit as a multiple of the floor) at 100,000 reflections.
FLOOR_TARGETS = [
    (("add", "prompt", "today", "last10", "nudge", "help"), 1.6),  # the daily commands
    (("tag", "quarter", "search", "progress", "report", "report_json"), 3.0),
]
SECONDS_TARGETS = [("export_md", 100_000, 2.0), ("import", None, 2.0)]
MEMORY_TARGET = (("export_md", "export_json", "report", "report_json"), 1.3)
JRNL_TARGETS = [(1_000, 1.0), (10_000, 10.0), (100_000, 10.0)]

# Issue 11, at 100,000 reflections: seconds, multiples of the floor, the same quarter's
# report at 10,000 and 100,000, faster than jrnl, and memory flat for every operation.
SECONDS_TARGETS_11 = [("export_md", 1.0), ("export_split", 2.5), ("export_json", 0.7),
                      ("import_all", 5.0), ("import_again", 4.0), ("import_jrnl", 6.0)]
FLOOR_TARGETS_11 = [(("progress", "report", "report_json", "report_md"), 2.5),
                    (("report_html",), 3.0)]
AGE_TARGET_11 = (("progress", "report", "report_json", "report_md", "report_html"), 1.2)
JRNL_TARGETS_11 = [("export_md", 10_000, 10.0), ("export_md", 100_000, 10.0)]
MEMORY_TARGET_11 = 1.3  # every operation: 100,000 within this multiple of 1,000


# --- running one process --------------------------------------------------------------

@dataclass
class Sample:
    seconds: float
    peak_mb: float
    code: int
    timed_out: bool = False
    stdout_bytes: int = 0
    stderr: str = ""


# Linux records the forking process's peak RSS in the child's ru_maxrss (the old memory
# map's high-water mark is kept at exec), so a child of this process, which holds the
# generated data, would report at least our own size. Every measured process is therefore
# started by this small helper (python -S, ~9 MB), which times it and reports its rusage.
SPAWNER = r"""
import json, os, signal, sys, time
child = [0]
def _kill(*_):
    if child[0]:
        os.kill(child[0], signal.SIGKILL)
signal.signal(signal.SIGALRM, _kill)
for line in sys.stdin:
    req = json.loads(line)
    fds = [os.open(os.devnull, os.O_RDONLY),
           os.open(req["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
           os.open(req["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)]
    actions = [(os.POSIX_SPAWN_DUP2, fd, n) for n, fd in enumerate(fds)]
    start = time.perf_counter()
    try:
        child[0] = os.posix_spawn(req["argv"][0], req["argv"], req["env"], file_actions=actions)
    except OSError as exc:
        for fd in fds:
            os.close(fd)
        print(json.dumps({"error": str(exc)}), flush=True)
        continue
    signal.setitimer(signal.ITIMER_REAL, req["timeout"])
    _, status, usage = os.wait4(child[0], 0)
    seconds = time.perf_counter() - start
    signal.setitimer(signal.ITIMER_REAL, 0)
    child[0] = 0
    for fd in fds:
        os.close(fd)
    print(json.dumps({"seconds": seconds, "maxrss_kb": usage.ru_maxrss,
                      "code": os.waitstatus_to_exitcode(status),
                      "killed": os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL}),
          flush=True)
"""


class Spawner:
    """The helper process that starts, times and measures every benchmarked command."""

    _proc: subprocess.Popen | None = None

    @classmethod
    def run(cls, request: dict) -> dict:
        if cls._proc is None or cls._proc.poll() is not None:
            cls._proc = subprocess.Popen(
                [sys.executable, "-S", "-c", SPAWNER], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, text=True, bufsize=1)
        cls._proc.stdin.write(json.dumps(request) + "\n")
        cls._proc.stdin.flush()
        return json.loads(cls._proc.stdout.readline())

    @classmethod
    def close(cls) -> None:
        if cls._proc is not None:
            cls._proc.stdin.close()
            cls._proc.wait()
            cls._proc = None


def run_once(argv: list[str], env: dict, scratch: Path, timeout: float) -> Sample:
    """Run ``argv`` to completion; wall time and the child's own peak RSS."""
    out_path, err_path = scratch / "stdout", scratch / "stderr"
    reply = Spawner.run({"argv": [str(a) for a in argv], "env": env, "timeout": timeout,
                         "stdout": str(out_path), "stderr": str(err_path)})
    if "error" in reply:
        return Sample(seconds=0.0, peak_mb=0.0, code=127, stderr=reply["error"][:200])
    stderr = err_path.read_text("utf-8", "replace").strip()
    return Sample(
        seconds=reply["seconds"],
        peak_mb=reply["maxrss_kb"] / 1024,  # kilobytes on Linux
        code=reply["code"],
        timed_out=reply["killed"],
        stdout_bytes=out_path.stat().st_size,
        stderr=stderr.splitlines()[-1][:200] if stderr else "",
    )


@dataclass
class Measure:
    """The figures of one side (pj or jrnl) of one operation at one size."""

    status: str  # ok | not available | failed | over cap | skipped
    median_s: float | None = None
    peak_mb: float | None = None
    runs: int = 0
    samples: list[float] = field(default_factory=list)
    output_mb: float | None = None
    note: str = ""
    floor_s: float | None = None  # median of the floor runs interleaved with these

    def cell_s(self) -> str:
        if self.status == "ok":
            return f"{self.median_s:.3f}" + ("¹" if self.runs == 1 else "")
        note = f" ({self.note[:120]})".replace("|", "/") if self.status == "failed" else ""
        return {"over cap": "> cap"}.get(self.status, self.status) + note

    def cell_mb(self) -> str:
        return f"{self.peak_mb:.0f}" if self.peak_mb is not None else "–"


@dataclass
class Spec:
    """One command to measure: how to run it and how many times."""

    argv: list[str]
    env: dict
    runs: int
    fast_runs: int = 0  # runs when the warm-up took under a second
    prepare: object = None  # called before every run, outside the timing
    timeout: float = 600
    warmup: bool = True
    expect_output: bool = True
    follow: bool = False  # the floor: as many runs as the most-run other command


def measure(specs: list[Spec], scratch: Path) -> list[Measure]:
    """Warm each command up once (exit status and output checked), then run them in
    turns (A B C A B C ...), so every command's runs see the same load; median time and
    highest peak RSS of each. A command that fails or runs over its timeout stops."""
    done: list[Measure | None] = [None] * len(specs)
    samples: list[list[Sample]] = [[] for _ in specs]
    want = [spec.runs for spec in specs]

    def one(i: int) -> Sample | None:
        spec = specs[i]
        if spec.prepare:
            spec.prepare()
        s = run_once(spec.argv, spec.env, scratch, spec.timeout)
        if s.timed_out:
            done[i] = Measure("over cap", runs=len(samples[i]), note=f"{spec.timeout:.0f} s")
        elif s.code != 0:
            done[i] = Measure("failed", note=f"exit {s.code}: {s.stderr or 'no message'}")
        elif spec.expect_output and s.stdout_bytes == 0:
            done[i] = Measure("failed", note="printed nothing")
        return None if done[i] else s

    for i, spec in enumerate(specs):
        if spec.warmup:
            s = one(i)
            if s and s.seconds < 1.0 and spec.fast_runs > spec.runs:
                want[i] = spec.fast_runs
    for i, spec in enumerate(specs):
        if spec.follow:
            want[i] = max([w for j, w in enumerate(want) if not specs[j].follow] or [spec.runs])
    for turn in range(max(want)):
        for i in range(len(specs)):
            if done[i] is None and turn < want[i]:
                s = one(i)
                if s:
                    samples[i].append(s)
    out = []
    for i, got in enumerate(samples):
        if done[i] is not None:
            out.append(done[i])
            continue
        times = [s.seconds for s in got]
        out.append(Measure(
            "ok",
            median_s=statistics.median(times),
            peak_mb=max(s.peak_mb for s in got),
            runs=len(got),
            samples=[round(t, 4) for t in times],
            output_mb=round(got[-1].stdout_bytes / 2**20, 2),
        ))
    return out


# --- the programs ---------------------------------------------------------------------

def find_pj() -> Path:
    """The installed ``pj`` of this interpreter (not a pyenv shim, which costs ~0.1 s)."""
    beside = Path(sys.executable).parent / "pj"
    if beside.exists():
        return beside
    found = shutil.which("pj")
    if not found:
        sys.exit("benchmarks: pj is not installed for this Python: pip install -e .")
    return Path(found)


def compile_pj() -> str:
    """Byte-compile pj's own modules, as an installed package has them.

    An editable install under ``PYTHONDONTWRITEBYTECODE=1`` (set on some machines) would
    otherwise recompile every module on every start and time the compiler, not pj.
    """
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("partnerjournal")
    if spec is None or spec.origin is None:
        return "partnerjournal not importable here; not compiled"
    package = Path(spec.origin).parent
    compileall.compile_dir(package, quiet=1)
    return f"compiled {package}"


def ensure_jrnl(venv: Path, install: bool) -> Path | None:
    """jrnl 4.6 in its own virtualenv (its dependencies stay out of ours)."""
    jrnl = venv / "bin" / "jrnl"
    if jrnl.exists():
        return jrnl
    if not install:
        return None
    log(f"installing jrnl {JRNL_VERSION} into {venv} ...")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
         "--disable-pip-version-check", f"jrnl=={JRNL_VERSION}"],
        check=True,
    )
    return jrnl


def available_commands(pj: Path, env: dict, scratch: Path) -> dict[str, bool]:
    """Which pj commands this build has: ``pj CMD --help`` exits 0."""
    found = {}
    for op in OPERATIONS:
        if op.command and op.command not in found:
            found[op.command] = run_once([str(pj), op.command, "--help"], env, scratch, 60).code == 0
    return found


def base_env(work: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PARTNERJOURNAL_")
           # a leader's shell sets neither: unbuffered output would make every write
           # of an export to stdout a system call, for pj and jrnl alike
           and k not in ("VISUAL", "EDITOR", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")}
    env.update({
        "NO_COLOR": "1",
        "COLUMNS": "100",
        "PARTNERJOURNAL_TODAY": generate.END.isoformat(),
        "XDG_CONFIG_HOME": str(work / "xdg-config"),  # jrnl must never find a real config
        "XDG_DATA_HOME": str(work / "xdg-data"),
    })
    return env


# --- data -----------------------------------------------------------------------------

def current_schema(scratch: Path) -> str:
    sys.path.insert(0, str(HERE.parent / "src"))
    from partnerjournal import store

    probe = scratch / "schema-probe.sqlite"
    probe.unlink(missing_ok=True)
    store.connect(probe).close()
    try:
        return generate.schema_signature(probe)
    finally:
        probe.unlink(missing_ok=True)


def ensure_data(size: int, work: Path, schema: str) -> dict:
    """The generated journals of ``size`` entries, rebuilt when the generator, seed or
    pj's schema changed since they were made."""
    folder = work / "data" / str(size)
    meta_path = folder / "meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if (meta.get("generator"), meta.get("seed"), meta.get("schema")) == (
            generate.GENERATOR_VERSION, generate.SEED, schema
        ) and (folder / "journal.sqlite").exists() and (folder / "journal.txt").exists():
            meta["reused"] = True
            return meta
    log(f"generating {size:,} reflections ...")
    meta = generate.generate(size, folder)
    log(f"  done in {meta['seconds']} s ({meta['sqlite_mb']} MB SQLite, {meta['jrnl_mb']} MB text)")
    meta["reused"] = False
    return meta


def make_export(pj: Path, size: int, work: Path, env: dict, scratch: Path) -> tuple[Path | None, str]:
    """A JSON export of the ``size``-entry journal, written by pj itself, for pj import."""
    folder = work / "data" / str(size)
    target = folder / "export.json"
    db = folder / "journal.sqlite"
    if target.exists() and target.stat().st_mtime > db.stat().st_mtime:
        return target, ""
    proc = subprocess.run(
        [str(pj), "export", "--format", "json"], stdin=subprocess.DEVNULL,
        stdout=open(target, "wb"), stderr=subprocess.PIPE,
        env=env | {"PARTNERJOURNAL_DB": str(db)},
    )
    if proc.returncode != 0:
        target.unlink(missing_ok=True)
        line = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        return None, f"pj export failed (exit {proc.returncode}): {line[-1] if line else ''}"
    return target, ""


def make_jrnl_export(jrnl: Path | None, size: int, work: Path, env: dict) -> tuple[Path | None, str]:
    """jrnl's own JSON export of the ``size``-entry jrnl journal, for pj import --format
    jrnl (made once: jrnl takes minutes at 100,000 entries)."""
    if jrnl is None:
        return None, "jrnl not installed"
    folder = work / "data" / str(size)
    target = folder / "jrnl-export.json"
    if target.exists() and target.stat().st_mtime > (folder / "journal.txt").stat().st_mtime:
        return target, ""
    log(f"{size:,}: jrnl --export json (once; kept in {target.name}) ...")
    with open(target, "wb") as out:
        proc = subprocess.run(
            [str(jrnl), "--config-file", str(folder / "jrnl.yaml"), "--export", "json"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE, env=env)
    if proc.returncode != 0:
        target.unlink(missing_ok=True)
        return None, f"jrnl --export json failed (exit {proc.returncode})"
    return target, ""


# --- one size -------------------------------------------------------------------------

def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def bench_size(size: int, args, pj: Path, jrnl: Path | None, env: dict, schema: str,
               available: dict[str, bool], scratch: Path) -> dict:
    meta = ensure_data(size, args.work, schema)
    folder = args.work / "data" / str(size)
    db, txt, cfg = folder / "journal.sqlite", folder / "journal.txt", folder / "jrnl.yaml"
    copy_db, copy_txt = scratch / "add.sqlite", scratch / "add.txt"
    copy_cfg = scratch / "add-jrnl.yaml"
    copy_cfg.write_text(generate.jrnl_config(copy_txt), encoding="utf-8")
    import_db = scratch / "import.sqlite"

    import_size = min(size, IMPORT_ENTRIES)
    import_file, import_problem = None, ""
    if available.get("export") and available.get("import"):
        if import_size != size:
            ensure_data(import_size, args.work, schema)
        import_file, import_problem = make_export(pj, import_size, args.work, env, scratch)
    own_export, own_problem = import_file, import_problem
    if import_size != size and available.get("export") and available.get("import"):
        own_export, own_problem = make_export(pj, size, args.work, env, scratch)
    wanted = lambda key: not args.ops or key in args.ops  # noqa: E731
    jrnl_export, jrnl_problem = None, "not run"
    if wanted("import_jrnl"):
        jrnl_export, jrnl_problem = make_jrnl_export(getattr(args, "jrnl_files", jrnl), size,
                                                     args.work, env)
    reimport_db, split_dir = scratch / "reimport.sqlite", scratch / "split"
    split_trash = scratch / "split-done"
    shutil.rmtree(split_trash, ignore_errors=True)
    split_trash.mkdir()

    values = {
        "tag": meta["tag"], "word": meta["search_word"], "q_from": meta["quarter"][0],
        "q_until": meta["quarter"][1], "entry": ENTRY, "import_file": str(import_file),
        "own_export": str(own_export), "jrnl_export": str(jrnl_export),
        "split_dir": str(split_dir),
    }

    def fresh(*paths: Path):
        def prepare() -> None:
            for p in paths:
                for extra in ("", "-wal", "-shm", "-journal"):
                    Path(f"{p}{extra}").unlink(missing_ok=True)
        return prepare

    def copy(src: Path, dst: Path):
        def prepare() -> None:
            fresh(dst)()
            shutil.copyfile(src, dst)
            # Flush the copy now: otherwise the first fsync of the timed run (pj's WAL
            # checkpoint) would write the whole fresh copy to disk and be timed.
            with open(dst, "rb+") as fh:
                os.fsync(fh.fileno())
            # ...and the file system's own bookkeeping of the old copy's removal and the
            # new one's blocks, which the timed run's first fsync would otherwise wait for
            # (a leader's journal is not deleted and copied again before each command).
            if hasattr(os, "sync"):
                os.sync()
        return prepare

    floor_runs = max(args.runs, args.fast_runs, 5)
    log(f"{size:,}: floor (python -c 'import typer') x{floor_runs}")
    floor_argv = [sys.executable, "-c", "import typer"]
    (floor,) = measure([Spec(floor_argv, env, floor_runs, expect_output=False)], scratch)
    rows = []
    for op in OPERATIONS:
        if args.ops and op.key not in args.ops:
            continue
        row = {"key": op.key, "label": op.label,
               "pj_argv": ["pj", *(a.format(**values) for a in op.pj)],
               "jrnl_argv": None if op.jrnl is None else ["jrnl", *(a.format(**values) for a in op.jrnl)]}
        if op.key == "import":
            row["label"] = f"import a {import_size:,}-entry export"
            row["pj_argv"][2:3] = [f"export-{import_size}.json"]
        elif op.key in ("import_all", "import_again"):
            row["pj_argv"][2:3] = [f"export-{size}.json"]
        elif op.key == "import_jrnl":
            row["pj_argv"][2:3] = [f"jrnl-export-{size}.json"]
        elif op.key == "export_split":
            row["pj_argv"][-1] = "DIR"
        specs: dict[str, Spec] = {}
        pj_m = jr_m = None
        pj_env = env | {"PARTNERJOURNAL_DB": str(db)}
        prepare = None
        if op.kind == "add":
            pj_env["PARTNERJOURNAL_DB"] = str(copy_db)
            prepare = copy(db, copy_db)
        elif op.kind == "import":
            pj_env["PARTNERJOURNAL_DB"] = str(import_db)
            prepare = fresh(import_db)
        elif op.kind == "reimport":
            pj_env["PARTNERJOURNAL_DB"] = str(reimport_db)
            copy(db, reimport_db)()  # once: importing its own export changes nothing
        elif op.kind == "split":
            def prepare() -> None:
                # Move the last run's folder aside and delete it after the row: deleting
                # 3,600 files just before the timed run makes this file system (ext4
                # without a journal) skip their freed inodes on every create that
                # follows, about 0.5 ms each (see findings.md), and a leader does not
                # delete thousands of files a moment before each export.
                if split_dir.exists():
                    split_dir.rename(split_trash / f"{len(list(split_trash.iterdir()))}")
        source = {"import": import_file, "import_all": own_export, "import_again": own_export,
                  "import_jrnl": jrnl_export}
        problem = {"import": import_problem, "import_all": own_problem,
                   "import_again": own_problem, "import_jrnl": jrnl_problem}
        if op.command and not available.get(op.command):
            pj_m = Measure(NOT_AVAILABLE)
        elif op.key == "import_jrnl" and jrnl_export is None:
            pj_m = Measure("skipped", note=jrnl_problem)
        elif op.key in source and source[op.key] is None:
            pj_m = Measure("failed", note=problem[op.key])
        else:
            specs["pj"] = Spec([str(pj), *(a.format(**values) for a in op.pj)], pj_env,
                               args.runs, args.fast_runs, prepare, expect_output=op.output)
            specs["floor"] = Spec(floor_argv, env, args.runs, args.fast_runs,
                                  expect_output=False, follow=True)
        capped = op.kind == "add" and size >= 100_000
        if op.jrnl is not None and jrnl is None:
            jr_m = Measure("skipped", note="jrnl not installed")
        elif op.jrnl is not None:
            config, prepare_j = cfg, None
            if op.kind == "add":
                config, prepare_j = copy_cfg, copy(txt, copy_txt)
            specs["jrnl"] = Spec(
                [str(jrnl), "--config-file", str(config), *(a.format(**values) for a in op.jrnl)],
                env, 1 if capped else args.runs, 0 if capped else args.fast_runs, prepare_j,
                timeout=args.cap, warmup=not capped, expect_output=op.output)
        # jrnl's capped add runs alone; everything else runs in turns with the floor.
        alone = {"jrnl": specs.pop("jrnl")} if capped and "jrnl" in specs else {}
        for group in (specs, alone):
            if group:
                log(f"{size:,}: {row['label']}: " + ", ".join(group)
                    + (f" (once, cap {args.cap:.0f} s)" if group is alone else ""))
                for name, m in zip(group, measure(list(group.values()), scratch)):
                    if name == "pj":
                        pj_m = m
                    elif name == "jrnl":
                        jr_m = m
                    else:
                        floor_m = m
        if "floor" in specs and pj_m.status == "ok" and floor_m.status == "ok":
            pj_m.floor_s = floor_m.median_s
        row["pj"] = pj_m.__dict__
        if op.jrnl is not None:
            row["jrnl"] = jr_m.__dict__
        rows.append(row)
    fresh(copy_db, import_db, reimport_db)()
    shutil.rmtree(split_dir, ignore_errors=True)
    shutil.rmtree(split_trash, ignore_errors=True)
    copy_txt.unlink(missing_ok=True)
    return {"size": size, "meta": meta, "floor": floor.__dict__, "rows": rows}


# --- the report -----------------------------------------------------------------------

def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    import typer

    return {
        "nproc": usable,
        "cpu": cpu or "unknown",
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "typer": getattr(typer, "__version__", "?"),
    }


def _get(result: dict, size: int, key: str, side: str = "pj") -> dict | None:
    for table in result["tables"]:
        if table["size"] == size:
            for row in table["rows"]:
                if row["key"] == key:
                    return row.get(side)
    return None


def _floor(result: dict, size: int) -> float | None:
    for table in result["tables"]:
        if table["size"] == size and table["floor"]["status"] == "ok":
            return table["floor"]["median_s"]
    return None


def targets(result: dict) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) for every target of the issue."""
    out = []
    label = {op.key: op.label for op in OPERATIONS}
    pjcmd = {op.key: op.shown() for op in OPERATIONS}

    def missing(m: dict | None) -> str | None:
        if m is None:
            return "not measured (size or operation not run)"
        if m["status"] != "ok":
            return f"not measured ({m['status']}{': ' + m['note'] if m['note'] else ''})"
        return None

    big = 100_000
    for keys, limit in FLOOR_TARGETS:
        for key in keys:
            m = _get(result, big, key)
            name = f"{pjcmd[key]} ≤ {limit} × floor at 100,000"
            why = missing(m)
            if why:
                out.append((name, "–", why))
                continue
            floor = m.get("floor_s") or _floor(result, big)
            ratio = m["median_s"] / floor
            verdict = "met" if ratio <= limit else f"missed by {ratio / limit - 1:.0%}"
            out.append((name, f"{m['median_s']:.3f} s = {ratio:.2f} × {floor:.3f} s", verdict))
    for key, size, limit in SECONDS_TARGETS:
        sizes = [size] if size else [t["size"] for t in result["tables"] if t["size"] >= IMPORT_ENTRIES]
        name = f"{label[key]} ≤ {limit:g} s" + (f" at {size:,}" if size else "")
        if not sizes:
            out.append((name, "–", "not measured (no size ≥ 10,000 run)"))
        for s in sizes[-1:]:
            m = _get(result, s, key)
            why = missing(m)
            if why:
                out.append((name, "–", why))
                continue
            verdict = "met" if m["median_s"] <= limit else f"missed by {m['median_s'] / limit - 1:.0%}"
            out.append((name, f"{m['median_s']:.3f} s", verdict))
    for size, factor in JRNL_TARGETS:
        for op in OPERATIONS:
            if op.jrnl is None:
                continue
            name = f"{op.label}: pj ≥ {factor:g} × faster than jrnl at {size:,}" if factor > 1 \
                else f"{op.label}: pj faster than jrnl at {size:,}"
            m, j = _get(result, size, op.key), _get(result, size, op.key, "jrnl")
            why = missing(m)
            if why:
                out.append((name, "–", why))
                continue
            if j is not None and j["status"] == "over cap":
                out.append((name, f"jrnl > {j['note']}, pj {m['median_s']:.3f} s",
                            "met" if m["median_s"] * factor < args_cap(j) else "unclear"))
                continue
            why = missing(j)
            if why:
                out.append((name, "–", why.replace("not measured", "not measured (jrnl)", 1)))
                continue
            speedup = j["median_s"] / m["median_s"]
            ok = speedup >= factor if factor > 1 else speedup > 1
            verdict = "met" if ok else f"missed: {speedup:.1f} ×"
            floor = m.get("floor_s")
            if not ok and floor and j["median_s"] / factor < floor:
                # No Python CLI can start faster than the floor: the target is out of reach.
                verdict += (f"; bounded by start-up: jrnl ÷ {factor:g} = "
                            f"{j['median_s'] / factor:.3f} s is below the floor ({floor:.3f} s)")
            out.append((name, f"{speedup:.1f} × ({j['median_s']:.3f} s vs {m['median_s']:.3f} s)", verdict))
    keys, factor = MEMORY_TARGET
    for key in keys:
        name = f"peak memory of {pjcmd[key]} at 100,000 ≤ {factor} × at 1,000"
        small, large = _get(result, 1_000, key), _get(result, big, key)
        why = missing(small) or missing(large)
        if why:
            out.append((name, "–", why))
            continue
        ratio = large["peak_mb"] / small["peak_mb"]
        verdict = "met" if ratio <= factor else f"missed by {ratio / factor - 1:.0%}"
        out.append((name, f"{large['peak_mb']:.0f} MB vs {small['peak_mb']:.0f} MB = {ratio:.2f} ×", verdict))
    return out


def targets_11(result: dict) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) for the targets of issue 11 (exports, imports and the
    quarterly commands), at 100,000 reflections unless said."""
    out = []
    label = {op.key: op.label for op in OPERATIONS}
    pjcmd = {op.key: op.shown() for op in OPERATIONS}
    big = 100_000

    def missing(m: dict | None) -> str | None:
        if m is None:
            return "not measured (size or operation not run)"
        if m["status"] != "ok":
            return f"not measured ({m['status']}{': ' + m['note'] if m['note'] else ''})"
        return None

    def verdict(value: float, limit: float) -> str:
        return "met" if value <= limit else f"missed by {value / limit - 1:.0%}"

    for key, limit in SECONDS_TARGETS_11:
        m = _get(result, big, key)
        name = f"{label[key]} ≤ {limit:g} s at 100,000"
        why = missing(m)
        out.append((name, "–", why) if why else
                   (name, f"{m['median_s']:.3f} s", verdict(m["median_s"], limit)))
    for keys, limit in FLOOR_TARGETS_11:
        for key in keys:
            m = _get(result, big, key)
            name = f"{pjcmd[key]} ≤ {limit} × floor at 100,000"
            why = missing(m)
            if why:
                out.append((name, "–", why))
                continue
            floor = m.get("floor_s") or _floor(result, big)
            ratio = m["median_s"] / floor
            out.append((name, f"{m['median_s']:.3f} s = {ratio:.2f} × {floor:.3f} s",
                        verdict(ratio, limit)))
    keys, limit = AGE_TARGET_11
    for key in keys:
        small, large = _get(result, 10_000, key), _get(result, big, key)
        name = f"{pjcmd[key]}: the same quarter at 100,000 within {limit} × of 10,000"
        why = missing(small) or missing(large)
        if why:
            out.append((name, "–", why))
            continue
        ratio = large["median_s"] / small["median_s"]
        out.append((name, f"{large['median_s']:.3f} s vs {small['median_s']:.3f} s = {ratio:.2f} ×",
                    verdict(ratio, limit)))
    for key, size, factor in JRNL_TARGETS_11:
        name = f"{label[key]}: pj ≥ {factor:g} × faster than jrnl at {size:,}"
        m, j = _get(result, size, key), _get(result, size, key, "jrnl")
        why = missing(m) or missing(j)
        if why:
            out.append((name, "–", why))
            continue
        speedup = j["median_s"] / m["median_s"]
        out.append((name, f"{speedup:.1f} × ({j['median_s']:.3f} s vs {m['median_s']:.3f} s)",
                    "met" if speedup >= factor else f"missed: {speedup:.1f} ×"))
    for op in OPERATIONS:
        small, large = _get(result, 1_000, op.key), _get(result, big, op.key)
        name = f"peak memory of {label[op.key]} at 100,000 ≤ {MEMORY_TARGET_11} × at 1,000"
        why = missing(small) or missing(large)
        if why:
            out.append((name, "–", why))
            continue
        ratio = large["peak_mb"] / small["peak_mb"]
        out.append((name, f"{large['peak_mb']:.0f} MB vs {small['peak_mb']:.0f} MB = {ratio:.2f} ×",
                    verdict(ratio, MEMORY_TARGET_11)))
    return out


def args_cap(m: dict) -> float:
    return float(m["note"].split()[0])


def render(result: dict) -> str:
    m = result["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Run {result['date']} with `{result['command']}` in {result['duration_s'] / 60:.1f} min.",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} memory, {m['os']}; "
        f"Python {m['python']}, SQLite {m['sqlite']}, typer {m['typer']}; "
        f"pj {result['pj_version']} (`{result['pj']}`), jrnl {result['jrnl_version']}. "
        "Load average (1 min) at the start and end of each run: "
        f"{', '.join(str(x) for x in result['load'])}"
        + (" (above the core count at times: other work shared the machine)."
           if max(result["load"]) > m["nproc"] else " (other work shared the machine)."),
        "",
        "Each figure is the median wall time of whole processes after one warm-up run "
        f"({result['runs']} runs, {result['fast_runs']} when the warm-up took under a "
        "second; ¹ marks a single run), peak memory the child's highest max RSS (each "
        "command is started by a small helper process, so no parent's memory is counted). "
        "*Floor* is `python -c \"import typer\"`. For each operation pj, the floor and "
        "jrnl run in turns (pj, floor, jrnl, pj, floor, jrnl, ...), so all three see the "
        "same load; *pj ÷ floor* divides the pj median by the median of the floor runs "
        "taken with it (column *floor s*). "
        "*jrnl ÷ pj* is how many times faster pj is. Adding an entry runs on a fresh copy "
        "of the journal each run, importing into a new empty journal each run, so nothing "
        "accumulates. pj's modules are byte-compiled first, as an installed package's "
        "are. jrnl's add at 100,000 runs once under a "
        f"{result['cap'] / 60:.0f}-minute cap (as the issue asks).",
        "",
    ]
    for table in result["tables"]:
        meta, floor = table["meta"], table["floor"]
        f = floor["median_s"] if floor["status"] == "ok" else None
        rec = ", ".join(f"{n:,} {t.replace('_', ' ')}" for t, n in meta["records"].items())
        lines += [
            f"## {table['size']:,} reflections",
            "",
            f"Journal: {meta['first_day']} to {meta['last_day']}; {rec}; "
            f"{meta['sqlite_mb']} MB SQLite, {meta['jrnl_mb']} MB jrnl text. "
            f"Tag filter `{meta['tag']}` ({meta['tag_entries']:,} entries), search "
            f"`{meta['search_word']}` ({meta['search_entries']:,}), quarter "
            f"{meta['quarter'][0]}..{meta['quarter'][1]} ({meta['quarter_entries']:,}).",
            "",
        ]
        if meta.get("skipped_tables"):
            skipped = "; ".join(f"{t}: {why}" for t, why in meta["skipped_tables"].items())
            lines += [f"Not generated: {skipped}.", ""]
        lines += [
            f"Floor, timed alone before the table: **{f:.3f} s**, {floor['peak_mb']:.0f} MB."
            if f else "Floor: failed.",
            "",
            "| Operation | pj s | pj MB | floor s | pj ÷ floor | jrnl s | jrnl MB | jrnl ÷ pj |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in table["rows"]:
            pj, jr = Measure(**row["pj"]), Measure(**row["jrnl"]) if row.get("jrnl") else None
            speed = ratio = "–"
            if pj.status == "ok" and jr is not None and jr.status == "ok":
                speed = f"{jr.median_s / pj.median_s:.1f} ×"
            elif pj.status == "ok" and jr is not None and jr.status == "over cap":
                speed = f"> {args_cap(row['jrnl']) / pj.median_s:.0f} ×"
            row_floor = pj.floor_s or f
            if pj.status == "ok" and row_floor:
                ratio = f"{pj.median_s / row_floor:.2f}"
            shown_floor = f"{row_floor:.3f}" if pj.status == "ok" and row_floor else "–"
            lines.append(
                f"| {row['label']} | {pj.cell_s()} | {pj.cell_mb()} | {shown_floor} | {ratio} | "
                f"{jr.cell_s() if jr else '–'} | {jr.cell_mb() if jr else '–'} | {speed} |"
            )
        lines.append("")
    lines += ["## Commands", "", "| Operation | pj | jrnl |", "|---|---|---|"]
    first = result["tables"][0]["rows"] if result["tables"] else []
    for row in first:
        jr = f"`{shlex.join(row['jrnl_argv'])}`" if row["jrnl_argv"] else "–"
        lines.append(f"| {row['label']} | `{shlex.join(row['pj_argv'])}` | {jr} |")
    lines += ["", "(The tag, word and quarter are those of the table's journal.)", ""]
    lines += ["## Targets (issue 6)", "", "| Target | Measured | Verdict |", "|---|---|---|"]
    for name, measured, verdict in targets(result):
        lines.append(f"| {name} | {measured} | {verdict} |")
    lines += ["", "## Targets (issue 11)", "", "| Target | Measured | Verdict |", "|---|---|---|"]
    for name, measured, verdict in targets_11(result):
        lines.append(f"| {name} | {measured} | {verdict} |")
    lines.append("")
    findings = HERE / "findings.md"
    if findings.exists():
        lines += [findings.read_text(encoding="utf-8").rstrip(), ""]
    notes = list(result.get("notes", []))
    notes += [f"Updated {u}." for u in result.get("updates", [])]
    if notes:
        lines += ["## Notes", "", *(f"- {n}" for n in notes), ""]
    return "\n".join(lines)


def merge(old: dict, new: dict) -> dict:
    """``old`` with the tables and rows measured in ``new`` replacing theirs (a side that
    was not run, such as jrnl under --no-jrnl, keeps its old figures)."""
    stamp = f"{new['date']}: `{new['command']}`"
    by_size = {t["size"]: t for t in old["tables"]}
    for table in new["tables"]:
        base = by_size.get(table["size"])
        if base is None:
            by_size[table["size"]] = table
            continue
        base["meta"], base["floor"] = table["meta"], table["floor"]
        rows = {r["key"]: r for r in base["rows"]}
        for row in table["rows"]:
            row["updated"] = stamp
            kept = rows.get(row["key"])
            if kept and row.get("jrnl") and row["jrnl"]["status"] == "skipped" and kept.get("jrnl"):
                row["jrnl"] = kept["jrnl"]
            rows[row["key"]] = row
        order = [op.key for op in OPERATIONS]
        base["rows"] = sorted(rows.values(), key=lambda r: order.index(r["key"])
                              if r["key"] in order else len(order))
    old["tables"] = [by_size[s] for s in sorted(by_size)]
    keys = sorted({r["key"] for t in new["tables"] for r in t["rows"]})
    sizes = ", ".join(f"{t['size']:,}" for t in new["tables"])
    old.setdefault("updates", []).append(f"{stamp} re-measured {', '.join(keys)} at {sizes}")
    old["notes"] = sorted(set(old.get("notes", [])) | set(new.get("notes", [])))
    old["load"] = old["load"] + new["load"]
    return old


def version_of(argv: list[str], env: dict) -> str:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = (proc.stdout or proc.stderr).strip().splitlines()
    # the first version-like word: "jrnl v4.6", "partnerjournal 0.1.0 · journal ... (schema v7)"
    found = re.search(r"\bv?\d+(?:\.\d+)+", text[0]) if text else None
    return found.group(0) if found else "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None,
                        help="comma-separated journal sizes (default 1000,10000,100000; --quick: 1000)")
    parser.add_argument("--runs", type=int, default=None,
                        help="timed runs per operation after the warm-up (default 5; --quick: 2)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke-test mode: 2 runs, jrnl only if installed, results in --work")
    parser.add_argument("--ops", default=None, help="only these operation keys (comma-separated)")
    parser.add_argument("--work", type=Path, default=HERE / "work",
                        help="where journals and scratch files go (default benchmarks/work)")
    parser.add_argument("--jrnl-venv", type=Path, default=None,
                        help="jrnl's virtualenv (default WORK/jrnl-venv, created if missing)")
    parser.add_argument("--no-jrnl", action="store_true", help="time pj only")
    parser.add_argument("--cap", type=float, default=600, help="seconds a jrnl run may take")
    parser.add_argument("--render", action="store_true",
                        help="only rewrite the results file from its JSON (and findings.md)")
    parser.add_argument("--update", action="store_true",
                        help="replace only the rows measured now in the existing results")
    parser.add_argument("--output", type=Path, default=None,
                        help="results file (default benchmarks/results.md; --quick: WORK/results-quick.md)")
    args = parser.parse_args(argv)
    args.sizes = [int(s.replace("_", "")) for s in (args.sizes or ("1000" if args.quick else
                                                                    "1000,10000,100000")).split(",")]
    args.runs = args.runs or (2 if args.quick else 5)
    args.fast_runs = args.runs if args.quick else 2 * args.runs
    args.ops = set(args.ops.split(",")) if args.ops else None
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    output = args.output or (args.work / "results-quick.md" if args.quick else HERE / "results.md")
    venv = args.jrnl_venv or (HERE / "work" / "jrnl-venv")

    if args.render:
        output.write_text(render(json.loads(output.with_suffix(".json").read_text())),
                          encoding="utf-8")
        return 0
    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    pj = find_pj()
    compiled = compile_pj()
    jrnl = None if args.no_jrnl else ensure_jrnl(venv, install=not args.quick)
    scratch = Path(tempfile.mkdtemp(prefix="scratch-", dir=args.work))
    env = base_env(args.work)
    notes = []
    if jrnl is None:
        notes.append("jrnl was not run (" + ("--no-jrnl" if args.no_jrnl else "not installed") + ").")
    try:
        schema = current_schema(scratch)
        available = available_commands(pj, env, scratch)
        missing = sorted(c for c, ok in available.items() if not ok)
        if missing:
            notes.append("Not in this build (their `--help` fails): "
                         + ", ".join(f"`pj {c}`" for c in missing) + ".")
        args.jrnl_files = jrnl or ensure_jrnl(venv, install=False)  # for jrnl's export file
        tables = [bench_size(size, args, pj, jrnl, env, schema, available, scratch)
                  for size in args.sizes]
    finally:
        Spawner.close()
        shutil.rmtree(scratch, ignore_errors=True)
    shown = [Path(a).name if i == 0 else a for i, a in enumerate(sys.argv)]
    result = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python benchmarks/" + " ".join(shown),
        "duration_s": round(time.perf_counter() - started, 1),
        "machine": machine(),
        "pj": str(pj),
        "pj_version": version_of([str(pj), "--version"], env),
        "jrnl_version": version_of([str(jrnl), "--version"], env) if jrnl else "not run",
        "runs": args.runs,
        "fast_runs": args.fast_runs,
        "cap": args.cap,
        "load": [round(load_start, 2), round(os.getloadavg()[0], 2)],
        "notes": notes,
        "compiled": compiled,
        "tables": tables,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    if args.update:
        result = merge(json.loads(output.with_suffix(".json").read_text()), result)
    output.write_text(render(result), encoding="utf-8")
    output.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    log(f"wrote {output} in {result['duration_s'] / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
