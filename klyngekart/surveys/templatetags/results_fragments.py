"""``{% released_fragment fragment %} ... {% endreleased_fragment %}``: a section of a results page
drawn once per release (see surveys/results/fragments.py). On a hit the content is not rendered at
all, so the figures it reads need not exist in the context."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import Parser, Token

register = template.Library()


class ReleasedFragmentNode(template.Node):
    def __init__(self, nodelist: template.NodeList, fragment: template.base.FilterExpression) -> None:
        self.nodelist = nodelist
        self.fragment = fragment

    def render(self, context: template.Context) -> Any:
        fragment = self.fragment.resolve(context)
        if fragment is None:
            return self.nodelist.render(context)
        if fragment.html is not None:
            return fragment.html
        return fragment.store(self.nodelist.render(context))


@register.tag("released_fragment")
def released_fragment(parser: Parser, token: Token) -> ReleasedFragmentNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("released_fragment takes one argument: the fragment")
    nodelist = parser.parse(("endreleased_fragment",))
    parser.delete_first_token()
    return ReleasedFragmentNode(nodelist, parser.compile_filter(bits[1]))
