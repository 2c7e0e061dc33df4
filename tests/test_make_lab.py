"""`make lab`, the README's third command: JupyterLab on the project's environment with hw3.ipynb open.

The test starts it as the README says, without a browser (LAB_OPTIONS), on 127.0.0.1 with a free port,
a random token and a temporary runtime folder, and `make -o .venv/installed` so that it never reinstalls
(`make test` installed first). It checks that the server answers, opens hw3.ipynb, lists the notebooks'
kernel "python3" and starts it on this environment's Python, and has the widget extensions the sliders and the drawing
pad need (ipywidgets' and ipycanvas's); the page a browser would be sent to is written by the server
for it in the runtime folder, and must be hw3.ipynb's; then it stops the server through its API and checks that no
process it started is left. tests/test_widgets_in_browser.py drives the widgets themselves.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, token: str, body: dict | None = None, method: str | None = None) -> tuple[int, bytes]:
    """An API request with the token (a POST when `body` is given)."""
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"}, method=method,
                                     data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def _stopped(processes: list[psutil.Process], seconds: float) -> list[psutil.Process]:
    """Those of `processes` still running after up to `seconds`."""
    _, alive = psutil.wait_procs(processes, timeout=seconds)
    return [process for process in alive if process.status() != psutil.STATUS_ZOMBIE]


def test_make_lab_opens_hw3_notebook_on_the_project_kernel_and_stops():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    port, token = _free_port(), secrets.token_hex(16)
    runtime = Path(tempfile.mkdtemp(prefix="hw3-lab-runtime-"))
    options = (f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} --ServerApp.port_retries=0 "
               f"--IdentityProvider.token={token} --ServerApp.allow_root=True")
    venv = Path(sys.prefix)
    log_path = runtime / "lab.log"
    environment = {key: value for key, value in os.environ.items()
                   if key not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}  # not a sub-make of `make test`'s
    environment["JUPYTER_RUNTIME_DIR"] = str(runtime)
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "-o", f"{venv}/installed", f"VENV={venv}", "lab", f"LAB_OPTIONS={options}"],
            cwd=PROJECT_DIR, env=environment, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
    url, started = f"http://127.0.0.1:{port}", [psutil.Process(process.pid)]
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if _get(f"{url}/api/status", token)[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("make lab did not start JupyterLab:\n" + log_path.read_text()[-3000:])
            time.sleep(0.5)
        started += started[0].children(recursive=True)

        # The page the browser would be sent to, which the server writes for it beside its runtime files
        opened = [path.read_text() for path in runtime.glob("jpserver-file-to-run-*-open.html")]
        assert len(opened) == 1 and "/lab/tree/hw3.ipynb" in opened[0], opened
        status, body = _get(f"{url}/api/contents/hw3.ipynb?content=0", token)
        assert status == 200 and json.loads(body)["type"] == "notebook"
        status, body = _get(f"{url}/lab/tree/hw3.ipynb", token)
        assert status == 200 and b"JupyterLab" in body

        kernel = json.loads((PROJECT_DIR / "hw3.ipynb").read_text(encoding="utf-8"))["metadata"]["kernelspec"]["name"]
        specs = json.loads(_get(f"{url}/api/kernelspecs", token)[1])["kernelspecs"]
        assert kernel in specs, specs.keys()
        # The kernel that opening hw3.ipynb starts runs this environment's Python, which has hw3's packages
        started_kernel = json.loads(_get(f"{url}/api/kernels", token, {"name": kernel})[1])
        kernel_processes = [child for child in started[0].children(recursive=True)
                            if "ipykernel_launcher" in " ".join(child.cmdline())]
        started += kernel_processes
        assert len(kernel_processes) == 1, kernel_processes
        kernel_environment = Path(kernel_processes[0].cmdline()[0]).parent.parent  # .venv/bin/python -> .venv
        assert kernel_environment.resolve() == Path(sys.prefix).resolve(), kernel_processes[0].cmdline()
        _get(f"{url}/api/kernels/{started_kernel['id']}", token, method="DELETE")

        extensions = {extension["name"] for extension in json.loads(_get(f"{url}/lab/api/extensions", token)[1])}
        assert {"jupyter-widgets-jupyterlab-manager", "ipycanvas"} <= extensions, extensions

        _get(f"{url}/api/shutdown", token, method="POST")
        assert process.wait(timeout=60) == 0, log_path.read_text()[-3000:]
        assert not _stopped(started, 10), "left running after the shutdown"
    finally:
        for left in _stopped(started, 0):  # only when a check above failed: the processes this test started
            left.send_signal(signal.SIGTERM)
        shutil.rmtree(runtime, ignore_errors=True)
