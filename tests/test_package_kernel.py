"""Importing the package in a Jupyter kernel keeps what C code writes to file descriptor 2 visible (an
abort's or an out-of-memory message reaches the notebook), while TensorFlow's start-up INFO lines stay out."""
import nbformat
from nbclient import NotebookClient

from hw3 import startup_noise_removed
from hw3.settings import PROJECT_DIR

MARKER = "written to fd 2 from C after importing hw3"


def test_a_kernel_that_imports_the_package_still_shows_what_is_written_to_fd_2(monkeypatch):
    monkeypatch.delenv("PYTEST_CURRENT_TEST")  # ipykernel forwards fd 2 to the notebook only outside pytest
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os, time\nimport helpers\n"
        f"os.write(2, b'{MARKER}\\n')\n"
        "time.sleep(0.5)  # the kernel forwards fd 2 from a thread")])
    NotebookClient(notebook, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(PROJECT_DIR)}}).execute()
    streams = [output for output in notebook.cells[0].outputs if output.output_type == "stream"]
    stderr = "".join(output.text for output in streams if output.name == "stderr")
    assert MARKER in stderr
    assert "I0000" not in stderr and "absl::InitializeLog" not in stderr, stderr


def test_only_tensorflows_loading_info_lines_are_taken_out():
    text = ("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
            "I0000 00:00:1795971859.884034    6483 port.cc:153] oneDNN custom operations are on.\n"
            "E0000 00:00:1795972224.056949   12614 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error\n"
            "W0000 00:00:1795971859.884530    6483 cuda.cc:31] a warning stays\n"
            "E0000 00:00:1795971859.884530    6483 cuda.cc:31] an error stays\n"
            "Fatal Python error: Aborted\n"
            "I0000 is not a log line without its time and place\n")
    assert startup_noise_removed(text) == ("W0000 00:00:1795971859.884530    6483 cuda.cc:31] a warning stays\n"
                                           "E0000 00:00:1795971859.884530    6483 cuda.cc:31] an error stays\n"
                                           "Fatal Python error: Aborted\n"
                                           "I0000 is not a log line without its time and place\n")


def test_the_cache_command_starts_without_tensorflow_and_keras_still_loads_it_quietly():
    """hw3 loads TensorFlow (quietly) only when a module asks for it: `python -m hw3.cache` and the
    modules before `data` never do; the first `import keras` does, through the package's quiet loader."""
    import subprocess
    import sys

    script = ("import sys\nimport hw3.cache\nassert 'tensorflow' not in sys.modules, 'hw3.cache loaded TensorFlow'\n"
              "import keras, tensorflow\nassert tensorflow.__loader__ is tensorflow.__spec__.loader\n"
              "assert type(tensorflow.__loader__).__name__ != '_QuietLoader'\nprint(int(keras.ops.add(1, 2)))\n")
    run = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "3", run.stdout
    assert "I0000" not in run.stderr and "absl::InitializeLog" not in run.stderr, run.stderr
