"""python -m bench [--scale S]: run every benchmark and print one table."""

import argparse
import importlib
import pkgutil

import bench
from bench import run, table


def load_benchmarks():
    # Importing a module registers its benchmarks; every module in the package is one.
    for module in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        importlib.import_module(f"bench.{module.name}")


def main(argv=None):
    arguments = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    arguments.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply the size of every input by this (default 1; tests use a small one)",
    )
    options = arguments.parse_args(argv)
    load_benchmarks()
    for line in table(run(options.scale)):
        print(line, flush=True)


if __name__ == "__main__":
    main()
