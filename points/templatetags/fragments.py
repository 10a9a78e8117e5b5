from django import template

register = template.Library()


@register.tag
def fragment(parser, token):
    """{% fragment "name" %}...{% endfragment %}: a piece of the page kept in the cache (see
    points.fragments). Without a `fragments` context variable that names it, the block is simply
    rendered."""
    try:
        _, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("{% fragment %} takes one argument: a name") from None
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(parser.compile_filter(name), nodelist)


class FragmentNode(template.Node):
    def __init__(self, name, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        fragments = context.get("fragments")
        name = self.name.resolve(context)
        if fragments is None or name not in fragments:
            return self.nodelist.render(context)
        html = fragments.html(name)
        if html is None:
            html = self.nodelist.render(context)
            fragments.add(name, html)
        return html
