"""Registry benchmark: seed, cold start, search per keystroke, peak RSS.

    JIANGXIN_PASSPHRASE=bench-passphrase .venv/bin/python tests/benchmarks/registry_bench.py --trainees 200000

Prints medians and percentiles, never a single run. Everything runs on a fresh temporary
data directory against the real encrypted database and the real program.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = os.environ.get("JIANGXIN_PASSPHRASE") or "bench-passphrase"

# A keyring backend for the "with keyring" start: it hands out a key the benchmark passes in
# the environment of the child process (as Credential Manager would), never from disk.
ENV_KEYRING = """
import os
import keyring.backend


class EnvKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def get_password(self, service, username):
        return os.environ.get("JIANGXIN_BENCH_KEY")

    def set_password(self, service, username, password):
        raise RuntimeError("read-only")

    def delete_password(self, service, username):
        raise RuntimeError("read-only")
"""


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIANGXIN_")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    env.update(JIANGXIN_USER="clerk", JIANGXIN_PASSWORD="Demo-pass-2025")  # the demo clerk logs in
    env.update(extra)
    return env


def program() -> list[str]:
    return [sys.executable, "-m", "jiangxin_desktop"]


def seed(data: Path, trainees: int) -> dict:
    started = time.perf_counter()
    out = subprocess.run(
        [*program(), "demo", "--trainees", str(trainees), "--data-dir", str(data), "--json"],
        env=base_env(JIANGXIN_PASSPHRASE=PASSPHRASE),
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    result["wall_seconds"] = time.perf_counter() - started
    return result


def cold_start(data: Path, env: dict[str, str]) -> tuple[float, float, int]:
    """Seconds from spawn to the painted main window and to the painted trainee list; peak RSS."""
    env = {**env, "JIANGXIN_EXIT_AFTER_PAINT": "1"}
    t0 = time.time()
    proc = subprocess.Popen(
        [*program(), "--data-dir", str(data)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = proc.stdout.read(), proc.stderr.read()
    marks = dict(
        line.split() for line in stdout.splitlines() if line.startswith(("FIRST_PAINT", "LIST_READY"))
    )
    if proc.returncode != 0 or len(marks) != 2:
        raise SystemExit(f"start failed ({proc.returncode}):\n{stdout}\n{stderr}")
    rss_bytes = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return float(marks["FIRST_PAINT"]) - t0, float(marks["LIST_READY"]) - t0, rss_bytes


def keyring_copy(data: Path, target: Path) -> tuple[Path, str]:
    """The same database opened through a keyring entry instead of the passphrase."""
    from jiangxin_desktop.services.security.keystore import KeyStore

    key = KeyStore(data / "key.json", lambda new: PASSPHRASE).load()
    target.mkdir(mode=0o700)
    shutil.copy2(data / "jiangxin.db", target / "jiangxin.db")
    (target / "key.json").write_text(
        json.dumps({"format": 1, "scheme": "keyring", "service": "jiangxin-desktop", "account": "bench"})
    )
    return target, key.hex()


KINDS = ("name", "full ID", "ID tail (6)", "phone tail (4)", "phone (11)")


def keystroke_queries(ctx, samples: int, rng: random.Random) -> list[tuple[str, str]]:
    """What a clerk types, one entry per keystroke: names, full IDs, ID tails, phones.

    Each entry is (kind, text so far): 王 → 王伟 → 王伟强; an ID typed digit by digit (or
    scanned); the 6-digit tail clerks read off a card; a phone's last 4 digits; a phone typed
    from its start.
    """
    rows = ctx.search.page("", limit=5000)
    picks = rng.sample(rows, samples)
    sequences = []
    for r in picks:
        sequences.append(("name", r.name))
        sequences.append(("full ID", r.id_number))
        sequences.append(("ID tail (6)", r.id_number[-6:]))
        sequences.append(("phone tail (4)", r.phone[-4:]))
        sequences.append(("phone (11)", r.phone))
    return [(kind, seq[:i]) for kind, seq in sequences for i in range(1, len(seq) + 1)]


def _summary(timings: list[float]) -> dict:
    timings = sorted(timings)
    return {
        "keystrokes": len(timings),
        "median_ms": statistics.median(timings),
        "p95_ms": timings[max(0, int(len(timings) * 0.95) - 1)],
        "max_ms": timings[-1],
    }


def search_latency(data: Path, samples: int) -> dict:
    """Per keystroke: the list query, its count, the model reset, the hint and the repaint."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    from jiangxin_desktop.context import open_context
    from jiangxin_desktop.paths import DataPaths
    from jiangxin_desktop.services.registry.search import plan_search
    from jiangxin_desktop.ui.registry.trainee_model import TraineeTableModel
    from jiangxin_desktop.ui.registry.trainee_page import TraineePage

    app = QApplication.instance() or QApplication([])
    ctx = open_context(DataPaths(data), lambda new: PASSPHRASE)
    page = TraineePage(ctx)
    page.resize(1200, 700)
    page.show()
    queries = keystroke_queries(ctx, samples, random.Random(7))
    by_kind: dict[str, list[float]] = {}
    by_plan: dict[str, list[float]] = {}
    every = []
    for kind, q in queries:
        page.search_box.setText(q)
        t = time.perf_counter()
        page.search_now()  # query, count, model reset, hint: what one keystroke costs
        page.table.viewport().repaint()
        ms = (time.perf_counter() - t) * 1000
        every.append(ms)
        by_kind.setdefault(kind, []).append(ms)
        by_plan.setdefault(plan_search(q).kind, []).append(ms)
    page.close()
    queries_only: dict[str, list[float]] = {}
    size = TraineeTableModel.PAGE_SIZE
    for kind, q in queries:  # the same keystrokes, the queries the list asks alone (no Qt)
        t = time.perf_counter()
        # A page and the row that says more follow; a search counts from its page, and the
        # count of everyone (no query, or too short a one) is the one made at the last refresh.
        ctx.search.page(q, limit=size + 1)
        queries_only.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
    ctx.close()
    app.processEvents()
    return {
        "all": _summary(every),
        "by_input": {k: _summary(v) for k, v in by_kind.items()},
        "by_plan": {k: _summary(v) for k, v in sorted(by_plan.items())},
        "queries_only": _summary([ms for v in queries_only.values() for ms in v]),
        "queries_only_by_input": {k: _summary(v) for k, v in queries_only.items()},
    }


def _print_latency(lat: dict) -> None:
    a = lat["all"]
    print(
        f"search per keystroke ({a['keystrokes']} keystrokes of names, IDs, ID tails, phones): "
        f"median {a['median_ms']:.1f} ms, p95 {a['p95_ms']:.1f} ms, max {a['max_ms']:.1f} ms"
    )
    q = lat["queries_only"]
    groups = (
        ("by kind of input", lat["by_input"]),
        ("by search plan", lat["by_plan"]),
        (
            f"list query and count alone (no Qt): median {q['median_ms']:.1f} ms, "
            f"p95 {q['p95_ms']:.1f} ms, max {q['max_ms']:.1f} ms; by kind of input",
            lat["queries_only_by_input"],
        ),
    )
    for title, group in groups:
        print(f"  {title}:")
        for kind, s in group.items():
            print(
                f"    {kind:<16} n={s['keystrokes']:<5} median {s['median_ms']:6.1f} ms, "
                f"p95 {s['p95_ms']:7.1f} ms, max {s['max_ms']:7.1f} ms"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=200_000)
    parser.add_argument("--starts", type=int, default=5, help="cold starts per variant (0: none)")
    parser.add_argument("--samples", type=int, default=40, help="trainees whose data is typed")
    parser.add_argument(
        "--data",
        type=Path,
        help="keep the seeded data directory here and reuse it on the next run (seeding takes minutes)",
    )
    parser.add_argument("--json", action="store_true", help="also print the search figures as JSON")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    # An installed program (wheel or PyInstaller bundle) starts from compiled bytecode; an
    # editable checkout under PYTHONDONTWRITEBYTECODE=1 would recompile every module per start.
    import compileall

    compileall.compile_dir(ROOT / "jiangxin_desktop", quiet=1)
    with tempfile.TemporaryDirectory(prefix="jiangxin-bench-") as tmp:
        tmp_path = Path(tmp)
        data = args.data.resolve() if args.data else tmp_path / "data"
        if (data / "jiangxin.db").exists():
            print(f"seed: reusing {data}")
        else:
            s = seed(data, args.trainees)
            print(
                f"seed: {s['trainees']} trainees in {s['seconds']:.1f} s "
                f"({s['trainees'] / s['seconds']:.0f} per second; process wall {s['wall_seconds']:.1f} s)"
            )
        size = (data / "jiangxin.db").stat().st_size / 2**20
        print(f"database file: {size:.0f} MB (SQLCipher)")
        if args.starts > 0:
            _cold_starts(data, tmp_path, args)
        lat = search_latency(data, args.samples)
        _print_latency(lat)
        if args.json:
            print(json.dumps(lat))
    print("targets: start <= 1.0 s, search p95 <= 10 ms per keystroke, RSS <= 300 MB")
    return 0


def _cold_starts(data: Path, tmp_path: Path, args: argparse.Namespace) -> None:
    (tmp_path / "benchkeyring.py").write_text(ENV_KEYRING)
    kdata, key_hex = keyring_copy(data, tmp_path / "keyring-data")
    variants = {
        "keyring (Windows/macOS path)": (
            kdata,
            base_env(
                PYTHON_KEYRING_BACKEND="benchkeyring.EnvKeyring",
                JIANGXIN_BENCH_KEY=key_hex,
                PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]),
            ),
        ),
        "passphrase (no keyring; scrypt unlock)": (data, base_env(JIANGXIN_PASSPHRASE=PASSPHRASE)),
    }
    peak = 0
    for label, (folder, env) in variants.items():
        warm = subprocess.run(
            [*program(), "--data-dir", str(folder), "status"], env=env, capture_output=True, text=True
        )  # warm the OS file cache once
        if warm.returncode != 0:
            raise SystemExit(f"{label}: {warm.stderr}")
        window, listed = [], []
        for _ in range(args.starts):
            painted, ready, rss = cold_start(folder, env)
            window.append(painted)
            listed.append(ready)
            peak = max(peak, rss)
        print(f"cold start, {label} (n={len(window)}):")
        print(
            f"  main window painted: median {statistics.median(window):.2f} s "
            f"(min {min(window):.2f}, max {max(window):.2f})"
        )
        print(
            "  trainee list painted (database unlocked and queried): "
            f"median {statistics.median(listed):.2f} s (min {min(listed):.2f}, max {max(listed):.2f})"
        )
    print(f"peak RSS of the program (main window over {args.trainees} trainees): {peak / 2**20:.0f} MB")


if __name__ == "__main__":
    raise SystemExit(main())
