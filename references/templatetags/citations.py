"""{% load citations %}: references in the seeds' citation form (see references.display)."""

from django import template

from references import display

register = template.Library()


@register.simple_tag
def citation(reference, title_url=""):
    """{% citation reference url %}: the formatted citation, its title linked to `url`."""
    return display.citation_html(reference, title_url)


register.filter("authors", display.authors_text)
register.filter("reference_date", display.date_text)
register.filter("reference_title", display.title_html)
register.filter("safe_url", display.safe_url)
