"""Builds the one compiled module, references/_pubmed_fast.c, in place: `make install` runs
``python setup.py build_ext --inplace``. The project itself is not installed as a package."""

from setuptools import Extension, setup

setup(
    name="gene-curation",
    packages=[],
    py_modules=[],
    ext_modules=[
        Extension(
            "references._pubmed_fast",
            ["references/_pubmed_fast.c"],
            extra_compile_args=["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
        )
    ],
)
