#!/usr/bin/env python3
"""Execute an mbc notebook headlessly against one results directory.

Usage:
    python execute_notebook.py NOTEBOOK RESULTS_DIR [--output EXECUTED.ipynb]

The notebook runs in a fresh `python3` kernel whose working directory is the
notebook's folder and whose environment has MBC_RESULTS=RESULTS_DIR (made
absolute). Each cell may take at most 120 s.

Exit status: 0 when every cell ran; 1 when a cell failed (its error and
traceback go to stderr); 2 for bad arguments. With --output the executed copy
(outputs included) is written, also after a failure, so it can be inspected.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

CELL_TIMEOUT_SECONDS = 120
KERNEL_NAME = "python3"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # IPython colours its tracebacks


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Execute a notebook headlessly with nbclient against an mbc results directory.")
    parser.add_argument("notebook", type=Path, help="the .ipynb file to execute")
    parser.add_argument("results", type=Path, metavar="RESULTS_DIR",
                        help="output directory of `mbc simulate ... --keep-runs --out DIR`")
    parser.add_argument("--output", type=Path, metavar="EXECUTED.ipynb",
                        help="write the executed notebook (with outputs) here")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_arguments(argv)
    notebook_path = args.notebook.resolve()
    results_dir = args.results.resolve()
    if not notebook_path.is_file():
        print(f"execute_notebook: notebook not found: {notebook_path}", file=sys.stderr)
        return 2
    if not results_dir.is_dir():
        print(f"execute_notebook: results directory not found: {results_dir}", file=sys.stderr)
        return 2

    # Imported here so that `--help` and argument errors work without the venv.
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    except ImportError as error:
        print(f"execute_notebook: {error}. Use the notebook venv: `make venv`, then "
              f".venv/bin/python {Path(__file__).name} ...", file=sys.stderr)
        return 2

    notebook = nbformat.read(notebook_path, as_version=4)
    # The kernel is started by this process and inherits its environment.
    os.environ["MBC_RESULTS"] = str(results_dir)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_SECONDS,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(notebook_path.parent)}},  # kernel cwd
    )

    started = time.monotonic()
    failure: str | None = None
    try:
        client.execute()
    except CellExecutionError as error:
        # str(error) holds the failing cell's source, the exception and its traceback.
        failure = f"a cell raised an error:\n{error}"
    except CellTimeoutError as error:
        failure = f"a cell ran longer than {CELL_TIMEOUT_SECONDS} s:\n{error}"
    except DeadKernelError as error:
        failure = f"the kernel died:\n{error}"
    except Exception as error:  # kernel could not start, etc.
        failure = f"{type(error).__name__}: {error}"
    elapsed = time.monotonic() - started

    if args.output is not None:
        output_path = args.output.resolve()
        output_path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, output_path)

    if failure is not None:
        failure = ANSI_ESCAPE.sub("", failure)
        print(f"execute_notebook: {notebook_path.name} failed after {elapsed:.1f} s; {failure}",
              file=sys.stderr)
        return 1
    print(f"execute_notebook: {notebook_path.name} ran in {elapsed:.1f} s "
          f"(results: {results_dir})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
