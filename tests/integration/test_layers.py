"""Only jiangxin_desktop/ui imports Qt: the core loads and runs without PySide6."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "jiangxin_desktop.domain.idnumber",
    "jiangxin_desktop.domain.contact",
    "jiangxin_desktop.domain.names",
    "jiangxin_desktop.domain.masking",
    "jiangxin_desktop.domain.codes",
    "jiangxin_desktop.store.database",
    "jiangxin_desktop.store.migrate",
    "jiangxin_desktop.store.models",
    "jiangxin_desktop.services.registry.trainees",
    "jiangxin_desktop.services.registry.search",
    "jiangxin_desktop.services.demo.seed",
    "jiangxin_desktop.services.security.keystore",
    "jiangxin_desktop.services.security.users",
    "jiangxin_desktop.services.security.signing",
    "jiangxin_desktop.services.station.backup",
    "jiangxin_desktop.services.audit.trail",
    "jiangxin_desktop.services.training.documents",
    "jiangxin_desktop.services.certificates.documents",
    "jiangxin_desktop.cli.print_commands",
    "jiangxin_desktop.services.certificates.issuing",
    "jiangxin_desktop.services.certificates.qr",
    "jiangxin_desktop.context",
    "jiangxin_desktop.database_files",
    "jiangxin_desktop.demo_setup",
    "jiangxin_desktop.first_setup",
    "jiangxin_desktop.cli.station_commands",
    "jiangxin_desktop.cli.commands",
    "jiangxin_desktop.cli.login",
    "jiangxin_desktop.cli.certificate_commands",
]


def test_core_imports_leave_pyside6_out():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE)
        + "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_no_module_outside_ui_imports_qt():
    from pathlib import Path

    import jiangxin_desktop

    root = Path(jiangxin_desktop.__file__).parent
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "ui" not in p.relative_to(root).parts[:1]
        and any(
            line.lstrip().startswith(("import PySide6", "from PySide6"))
            for line in p.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []


def test_the_window_paints_before_the_data_layer_loads():
    """Start-up: everything imported before the first paint stays free of SQLAlchemy."""
    code = (
        "import sys\n"
        "import jiangxin_desktop.cli.main as m\n"
        "m.build_parser()\n"
        "import jiangxin_desktop.ui.shell.app, jiangxin_desktop.ui.shell.main_window\n"
        "print(sorted(n for n in sys.modules if n.startswith('sqlalchemy'))[:3])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_window_starts_without_the_commands_parser():
    """No command named: the commands' modules (~50-75 ms of imports) are not loaded before the window."""
    from jiangxin_desktop.cli.main import opens_the_window

    assert opens_the_window([]) and opens_the_window(["--data-dir", "/x", "--demo"])
    assert opens_the_window(["--data-dir=/x", "--user", "clerk", "--json"])
    for argv in (["status"], ["--data-dir", "/x", "status"], ["--help"], ["--version"], ["-h"], ["--dmeo"]):
        assert not opens_the_window(argv), argv
    code = (
        "import sys\n"
        "import jiangxin_desktop.cli.main as m\n"
        "p = m.build_parser(commands=not m.opens_the_window(['--data-dir', '/x']))\n"
        "a = p.parse_args(['--data-dir', '/x'])\n"
        "print(a.command, a.data_dir, 'jiangxin_desktop.cli.commands' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["None", "/x", "False"]
