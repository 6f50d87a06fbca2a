from django import template

register = template.Library()


@register.filter
def authors_short(authors, most=3):
    """ "Smith J, Doe A, Roe B, et al." from a Reference's authors."""
    names = [
        a.get("collective") or " ".join(filter(None, [a.get("family"), a.get("initials")]))
        for a in authors or []
    ]
    return ", ".join(names[:most]) + (", et al" if len(names) > most else "")
