"""A reference as readers see it: the citation form of the seeds' reference lists.

    Marié I, Durbin JE, Levy DE (November 1998). "Differential viral induction
    ...". The EMBO Journal. 17 (22): 6660–9. doi:10.1093/emboj/17.22.6660.
    PMC 1171011. PMID 9822609.

Plain functions of a Reference, for the public pages (through the template
tags of references.templatetags.citations) and the gene page's structured
data. `citation_html` returns safe HTML (everything escaped, the stored title
markup reduced to a whitelist of tags without attributes, only http(s)
links); `citation_text` the same citation as plain text.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from references.pubmed_parser import INLINE_TAGS, MATHML_TAGS

AUTHORS_SHOWN = 6
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def author_name(author):
    """ "Marié I": family name and initials (Vancouver style), or a collective name."""
    if author.get("collective"):
        return author["collective"]
    initials = author.get("initials") or "".join(
        part[0] for part in author.get("given", "").replace("-", " ").split() if part
    )
    return " ".join(part for part in (author.get("family", ""), initials) if part)


def authors_text(authors, shown=AUTHORS_SHOWN):
    """The first `shown` authors, then "et al." when there are more."""
    names = [author_name(a) for a in authors or ()]
    names = [name for name in names if name]
    if len(names) > shown:
        return ", ".join(names[:shown]) + ", et al."
    return ", ".join(names)


def date_text(reference):
    """ "5 November 1998", "November 1998" or "1998", as precise as the record is."""
    published = reference.published or ""
    parts = published.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if published:
        return published
    return reference.medline_date or (str(reference.year) if reference.year else "")


def pages_text(pages):
    """Page ranges with an en dash, as the seeds print them: 6660–9."""
    return (pages or "").replace("--", "–").replace("-", "–")


def source_text(reference):
    """ "The EMBO Journal. 17 (22): 6660–9": the journal, then volume (issue): pages."""
    return _join_source(
        reference.journal or reference.journal_abbrev,
        reference.volume,
        reference.issue,
        pages_text(reference.pages),
    )


def safe_url(url):
    """The URL when it is an http(s) address, else "" (never a javascript: link)."""
    url = (url or "").strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in ("http", "https") else ""


def identifiers(reference):
    """[(label, value, url)] for the DOI, PMCID and PMID, in the seeds' order."""
    found = []
    if reference.doi:
        found.append(("doi", reference.doi, reference.doi_url))
    if reference.pmcid:
        found.append(("PMC", reference.pmcid.removeprefix("PMC"), reference.pmc_url))
    if reference.pmid:
        found.append(("PMID", str(reference.pmid), reference.pubmed_url))
    return found


def title_html(reference):
    """The title as safe HTML: stored markup kept to inline tags, the final full stop dropped."""
    if reference.title_html:
        html = clean_inline_html(reference.title_html)
    else:
        html = escape(reference.title or reference.url or "Untitled")
    return mark_safe(html.rstrip().removesuffix("."))


def title_text(reference):
    return (reference.title or reference.url or "Untitled").rstrip().removesuffix(".")


def citation_html(reference, title_url=""):
    """The whole citation as safe HTML; the title links to `title_url` when given."""
    title = title_html(reference)
    if title_url:
        title = format_html('<a href="{}">{}</a>', title_url, title)
    quoted = format_html("&quot;{}&quot;", title)
    authors, date = authors_text(reference.authors), date_text(reference)
    if authors and date:
        parts = [format_html("{} ({}). {}.", authors, date, quoted)]
    elif authors:
        parts = [format_html("{}. {}.", authors, quoted)]
    else:
        parts = [format_html("{} ({}).", quoted, date) if date else format_html("{}.", quoted)]
    journal = reference.journal or reference.journal_abbrev
    if journal:
        parts.append(format_html("<i>{}</i>.", journal))
    numbers = _join_source("", reference.volume, reference.issue, pages_text(reference.pages))
    if numbers:
        volume = format_html("<b>{}</b>", reference.volume) if reference.volume else ""
        parts.append(format_html("{}{}.", volume, numbers.removeprefix(reference.volume)))
    link = safe_url(reference.url)
    if link and not (reference.doi or reference.pmid or reference.pmcid):
        parts.append(format_html('<a href="{}" rel="nofollow">{}</a>.', link, _host(link)))
    parts.extend(
        format_html('{}{}<a href="{}">{}</a>.', label, ":" if label == "doi" else " ", url, value)
        for label, value, url in identifiers(reference)
    )
    return format_html_join(" ", "{}", ((part,) for part in parts))


def citation_text(reference):
    """The same citation as plain text."""
    title = f'"{title_text(reference)}"'
    authors, date = authors_text(reference.authors), date_text(reference)
    if authors:
        parts = [f"{authors} ({date}). {title}." if date else f"{authors}. {title}."]
    else:
        parts = [f"{title} ({date})." if date else f"{title}."]
    source = source_text(reference)
    if source:
        parts.append(source + ".")
    if reference.url and not (reference.doi or reference.pmid or reference.pmcid):
        parts.append(reference.url + ".")
    parts.extend(
        f"{label}{':' if label == 'doi' else ' '}{value}."
        for label, value, _ in identifiers(reference)
    )
    return " ".join(parts)


def clean_inline_html(markup):
    """`markup` with only inline and MathML tags, without attributes; all text escaped.

    PubMed titles are stored that way already; a title typed in by hand may not be.
    """
    cleaner = _InlineHTML()
    cleaner.feed(markup)
    cleaner.close()
    return "".join(cleaner.out + [f"</{tag}>" for tag in reversed(cleaner.open)])


def _join_source(journal, volume, issue, pages):
    numbers = volume or ""
    if issue:
        numbers = f"{numbers} ({issue})".strip()
    if pages:
        numbers = f"{numbers}: {pages}" if numbers else pages
    return ". ".join(part for part in (journal, numbers) if part)


def _host(url):
    return urlsplit(url).netloc or url


class _InlineHTML(HTMLParser):
    ALLOWED = INLINE_TAGS | MATHML_TAGS | {"em", "strong"}
    # Their content is code or styling, never words of the title.
    DROPPED = frozenset({"script", "style", "annotation", "annotation-xml"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.open, self.dropping = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.DROPPED:
            self.dropping += 1
        elif tag in self.ALLOWED and not self.dropping:
            self.out.append(f"<{tag}>")
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag in self.ALLOWED and not self.dropping:
            self.out.append(f"<{tag}></{tag}>")

    def handle_endtag(self, tag):
        if tag in self.DROPPED:
            self.dropping = max(0, self.dropping - 1)
        elif tag in self.open and not self.dropping:
            while self.open:
                closed = self.open.pop()
                self.out.append(f"</{closed}>")
                if closed == tag:
                    break

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(escape(data))
