"""System checks of the references app (``manage.py check``)."""

from django.core import checks


@checks.register()
def compiled_reader_built(app_configs, **kwargs):
    """Warn when PubMed XML would be read without the compiled reader: it works, but slowly."""
    from references import pubmed_parser

    if pubmed_parser.FAST is not None:
        return []
    return [
        checks.Warning(
            "The compiled PubMed reader (references/_pubmed_fast.c) is not built: PubMed XML "
            "is read by the lxml reader alone, about five times slower.",
            hint="Run `make install`, or `python setup.py build_ext --inplace` (needs a C compiler).",
            id="references.W001",
        )
    ]
