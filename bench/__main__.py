"""python -m bench [--scale S]: run every benchmark and print one table."""

import argparse

from bench import fetch, parser, run, table  # noqa: F401  (importing a module registers its benchmarks)


def main(argv=None):
    arguments = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    arguments.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply the size of every input by this (default 1; tests use a small one)",
    )
    options = arguments.parse_args(argv)
    for line in table(run(options.scale)):
        print(line, flush=True)


if __name__ == "__main__":
    main()
