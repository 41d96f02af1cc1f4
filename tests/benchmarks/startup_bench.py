"""Start-up benchmark: launch to the painted login form, and to the painted trainee list.

    .venv/bin/python tests/benchmarks/startup_bench.py --trainees 200000 --data /tmp/bench-200k \
        [--runs 7] [--compare /path/to/another/checkout]

Each run launches the real program (``python -m jiangxin_desktop``) under offscreen Qt on a
seeded encrypted database. With JIANGXIN_EXIT_AFTER_PAINT the program prints when the main
window's frame is first painted (FIRST_PAINT), when the login form is first painted
(LOGIN_SHOWN; the form is then filled in with the demo clerk as a clerk would) and when the
trainee list is painted after the login (LIST_READY), then quits. A bare PySide6 window is
launched side by side as the yardstick. Two ways to the key: the OS keyring (Windows/macOS;
a keyring backend that hands out the key) and a passphrase (scrypt unlock). ``--compare``
runs another checkout's program interleaved with this one (same machine, same minute),
e.g. ``git archive <commit> | tar -x -C DIR``. Prints medians over the runs.
Targets: login form <= 0.5 s, trainee list <= 1.0 s (200,000 trainees).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.registry_bench import (  # noqa: E402
    ENV_KEYRING,
    PASSPHRASE,
    base_env,
    keyring_copy,
    seed,
)

BARE_WINDOW = """
import sys, time
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
class W(QWidget):
    def paintEvent(self, event):
        print(f"FIRST_PAINT {time.time()}", flush=True)
        app.quit()
w = W()
w.resize(1200, 700)
w.show()
app.exec()
"""
MARKS = ("FIRST_PAINT", "LOGIN_SHOWN", "LIST_READY")


def launch(command: list[str], env: dict[str, str], cwd: Path) -> dict[str, float]:
    """Seconds from spawn to each mark the program printed."""
    t0 = time.time()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    marks = {}
    for line in done.stdout.splitlines():
        name, _, value = line.partition(" ")
        if name in MARKS:
            marks[name] = float(value) - t0
    if done.returncode != 0 or "FIRST_PAINT" not in marks:
        raise SystemExit(f"start failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return marks


def program_env(source: Path, env: dict[str, str]) -> dict[str, str]:
    paths = [str(source), *(p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p)]
    return {**env, "PYTHONPATH": os.pathsep.join(paths), "JIANGXIN_EXIT_AFTER_PAINT": "1"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=7, help="launches per program and way to the key")
    parser.add_argument("--data", type=Path, help="seeded data directory to reuse (seeded here if empty)")
    parser.add_argument("--compare", type=Path, action="append", default=[], help="another checkout")
    args = parser.parse_args()
    import compileall

    sources = {"this checkout": ROOT, **{str(p): p.resolve() for p in args.compare}}
    for source in sources.values():  # an installed program starts from compiled bytecode
        compileall.compile_dir(source / "jiangxin_desktop", quiet=1)
    with tempfile.TemporaryDirectory(prefix="jiangxin-start-") as tmp:
        tmp_path = Path(tmp)
        data = args.data.resolve() if args.data else tmp_path / "data"
        if not (data / "jiangxin.db").exists():
            s = seed(data, args.trainees)
            print(f"seed: {s['trainees']} trainees in {s['seconds']:.1f} s")
        (tmp_path / "benchkeyring.py").write_text(ENV_KEYRING)
        kdata, key_hex = keyring_copy(data, tmp_path / "keyring-data")
        ways = {
            "keyring": (
                kdata,
                base_env(
                    PYTHON_KEYRING_BACKEND="benchkeyring.EnvKeyring",
                    JIANGXIN_BENCH_KEY=key_hex,
                    PYTHONPATH=str(tmp_path),
                ),
            ),
            "passphrase": (data, base_env(JIANGXIN_PASSPHRASE=PASSPHRASE)),
        }
        results: dict[tuple[str, str], list[dict[str, float]]] = {}
        bare: list[float] = []
        for source in sources.values():  # warm the OS file cache and the bytecode once
            for folder, env in ways.values():
                subprocess.run(
                    [sys.executable, "-m", "jiangxin_desktop", "--data-dir", str(folder), "status"],
                    env=program_env(source, env),
                    cwd=tmp_path,
                    capture_output=True,
                )
        for _ in range(args.runs):
            bare.append(launch([sys.executable, "-c", BARE_WINDOW], base_env(), tmp_path)["FIRST_PAINT"])
            for label, source in sources.items():
                for way, (folder, env) in ways.items():
                    command = [sys.executable, "-m", "jiangxin_desktop", "--data-dir", str(folder)]
                    marks = launch(command, program_env(source, env), tmp_path)
                    results.setdefault((label, way), []).append(marks)
        print(f"bare PySide6 window painted: median {statistics.median(bare):.2f} s (n={len(bare)})")
        for (label, way), runs in results.items():
            print(f"{label}, key from the {way} (n={len(runs)}):")
            for mark, title in zip(MARKS, ("main window frame", "login form", "trainee list"), strict=True):
                values = [r[mark] for r in runs if mark in r]
                if values:
                    print(
                        f"  {title:<18} median {statistics.median(values):.2f} s "
                        f"(min {min(values):.2f}, max {max(values):.2f})"
                    )
    print("targets: login form <= 0.5 s, trainee list <= 1.0 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
