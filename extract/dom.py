"""Small lxml helpers shared by the list, detail and link extractors.

Pages are read as a browser reads them. lxml's parser (libxml2 2.14 and later) splits the markup
into tags as the HTML5 standard does, but repairs broken nesting its own way: a `<table>` inside
a link closes the link, `</ul>` is ignored while a stray `<div>` is open in it, an unclosed `<a>`
takes in the list items after it, a link closed with the block around it is not re-opened for
the text after it. So a page is parsed by lxml first and, when lxml's tree is damaged, again by
an HTML5 parser (Lexbor, through selectolax: the browsers' algorithm), whose tree is copied into
lxml.html elements, so that callers see one kind of tree. Damaged means: libxml2 complained of
an end tag in a way that shows it nested the page otherwise than a browser (``_repaired``), the
page leaves a link open (more `<a ` than `</a>`), or the tree has a shape no HTML5 parser builds
(``_NO_HTML5_SHAPES``). Tidy pages, and pages whose only fault is a stray end tag both ignore,
cost one lxml parse and these checks. With a libxml2 older than 2.14, whose tokenizer is not
HTML5's either, every page takes the HTML5 parse. Figures and the choice:
benchmarks/parsers/README.md."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from functools import lru_cache
from urllib.parse import urljoin

import lxml.html
from lxml import etree
from selectolax.lexbor import LexborHTMLParser, SelectolaxError

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SPACES = re.compile(r"\s+")
_NOT_A_PAGE = re.compile(r"^(?:javascript|mailto|tel|about|data):|^#", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

# libxml2 2.14 tokenizes as HTML5 does; before it, its tree is not a browser's even on tidy pages.
_LXML_TOKENIZES_AS_HTML5 = etree.LIBXML_VERSION >= (2, 14)
# libxml2's complaint about an end tag: for an element open but not the current one ("Opening and
# ending tag mismatch": it closed what was in between or dropped the tag, its own repair), or for
# one not open at all ("Unexpected end tag"): a stray end tag, which a browser ignores too
# (`<a>…</a><img></a>`), unless libxml2 closed that element before its end tag where a browser
# keeps it: a link or a <b>, <font>… closed with the block around it is re-opened by a browser
# for the text after it (HTML5's "active formatting elements"), a <table> inside a link or a <p>
# inside <b> closes them in libxml2 only; and the headings and lists of _CLOSED_EARLY.
_END_TAG_ERROR = etree.ErrorTypes.ERR_TAG_NAME_MISMATCH
_UNEXPECTED_END = "Unexpected end tag : "
_FORMATTING = frozenset({
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
})
_CLOSED_EARLY = {  # libxml2 closes them when one of these starts (its htmlStartClose); HTML5 does not
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), ("p", "li", "table", "form", "fieldset")),
    "ul": ("address", "form", "menu", "pre"),
    "ol": ("form",),
    "dl": ("form", "li"),
}
# Shapes libxml2 builds without a word and an HTML5 parser never does, cheapest first: a link
# inside a link (an unclosed <a> took in what follows); an item inside another item with no list
# between (an unclosed <span> took in the next <li>: HTML5 closes the item); something other than
# a cell in a row, or other than rows in a table (HTML5 moves it out, before the table).
_NO_HTML5_SHAPES = tuple(etree.XPath(f"boolean({path})") for path in (
    "//a//a",
    "descendant::li[not(parent::ul or parent::ol)][ancestor::li]",
    "descendant::tr/*[not(self::td or self::th or self::script or self::style)]",
    "descendant::table/*[not(self::tr or self::tbody or self::thead or self::tfoot or self::caption"
    " or self::colgroup or self::col or self::form or self::script or self::style or self::input)]",
))
_LINK_TAG = re.compile(r"</?[aA][\s>]")
# Characters an lxml tree cannot hold; lxml's own parser turns them into U+FFFD too.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LOCAL = threading.local()  # one lxml parser per thread: its error log is read after each parse


# The spider hands one page's text to several extractors (list, links, columns): they share
# one parse. A few entries, because callbacks are generators and interleave.
_TREES: OrderedDict[str, lxml.html.HtmlElement] = OrderedDict()
_TREES_KEPT = 4


def parse_html(text: str) -> lxml.html.HtmlElement:
    """The document root, shared by every caller reading the same text: never modify it
    (``parse_fresh`` gives a tree of one's own). Never raises on empty or odd input."""
    key = text or ""
    root = _TREES.get(key)
    if root is not None:
        _TREES.move_to_end(key)
        return root
    root = _TREES[key] = parse_fresh(key)
    if len(_TREES) > _TREES_KEPT:
        _TREES.popitem(last=False)
    return root


def parse_fresh(text: str) -> lxml.html.HtmlElement:
    """A new document root, free to modify, as a browser builds it; never raises on empty or
    odd input. A truncated page (no `</html>`, cut mid-tag) gives what a browser shows of it."""
    # lxml refuses str input that carries an encoding declaration (dataproxy XML answers do).
    text = _XML_DECLARATION.sub("", text or "")
    root = None
    if _LXML_TOKENIZES_AS_HTML5:
        root, damaged = _lxml_tree(text)
        if not damaged:
            return root
    try:
        return _html5_tree(text)
    except (SelectolaxError, RuntimeError, ValueError):  # Lexbor failed (out of memory…): lxml's tree
        return root if root is not None else _lxml_tree(text)[0]


def _lxml_tree(text: str) -> tuple[lxml.html.HtmlElement, bool]:
    """lxml's tree, and whether it differs from a browser's (see the module docstring)."""
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>"), False
    damaged = (
        _repaired(root, text, parser.error_log)
        or _unclosed_links(text)
        or any(shape(root) for shape in _NO_HTML5_SHAPES)
    )
    return root, damaged


def _repaired(root, text: str, errors) -> bool:
    """Whether libxml2's end-tag complaints mean it nested the page otherwise than a browser."""
    stray: dict[str, int] = {}
    for error in errors:
        if error.type != _END_TAG_ERROR:
            continue
        if not error.message.startswith(_UNEXPECTED_END):
            return True
        tag = error.message[len(_UNEXPECTED_END):].strip().lower()
        stray[tag] = stray.get(tag, 0) + 1
    for tag, count in stray.items():
        if tag in _FORMATTING and count > _surplus_end_tags(text, tag):
            return True  # some were closed by libxml2 before their end tag: not mere extras
        if tag in _CLOSED_EARLY and _closed_early(root, tag):
            return True
    return False


def _surplus_end_tags(text: str, tag: str) -> int:
    """How many more `</tag>` than `<tag` the page has: end tags that close nothing anywhere."""
    starts = len(re.findall(rf"<{tag}[\s/>]", text, re.I))
    return len(re.findall(rf"</{tag}\s*>", text, re.I)) - starts


def _closed_early(root, tag: str) -> bool:
    """An element `tag` that the next element after it could have closed (`<h3>…<p>`: the p
    comes right after the heading, not inside it)."""
    closers = _CLOSED_EARLY[tag]
    for element in root.iter(tag):
        node = element
        while node is not None and node.getnext() is None:  # the closer follows the last open one
            node = node.getparent()
        following = node.getnext() if node is not None else None
        while following is not None and not isinstance(following.tag, str):  # a comment
            following = following.getnext()
        if following is not None and following.tag in closers:
            return True
    return False


def _unclosed_links(text: str) -> bool:
    """More `<a ` than `</a>`: a link left open, which a browser carries on into the content
    after it (it re-opens the link there); libxml2 just closes it."""
    tags = _LINK_TAG.findall(text)
    closed = sum(1 for tag in tags if tag[1] == "/")
    return len(tags) - closed > closed


def _html5_tree(text: str) -> lxml.html.HtmlElement:
    """The page parsed by the HTML5 algorithm (Lexbor), copied into lxml.html elements."""
    if _NOT_XML.search(text):
        text = _NOT_XML.sub("\ufffd", text)
    document = LexborHTMLParser(text).root
    if document is None:
        return lxml.html.document_fromstring("<html><body></body></html>")
    try:
        return _copy(document, _as_is)
    except ValueError:  # a character reference to a control character (`&#11;`): not in an lxml tree
        return _copy(document, _xml_safe)


def _as_is(text: str) -> str:
    return text


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _copy(document, clean) -> lxml.html.HtmlElement:
    """Lexbor's tree as lxml.html elements: its nodes in document order as TreeBuilder events
    (a loop, not recursion: pages nest deeper than Python's stack when every row leaves a
    <div> open)."""
    builder = etree.TreeBuilder(parser=lxml.html.html_parser)
    start, end, data, comment = builder.start, builder.end, builder.data, builder.comment
    start("html", _attributes(document, clean))
    open_elements = [(document, "html")]
    node = document.child
    while open_elements:
        if node is None:  # past the last child of the innermost open element: close it
            done, tag = open_elements.pop()
            end(tag)
            node = done.next if open_elements else None
            continue
        tag = node.tag
        if tag == "-text":
            data(clean(node.text_content or ""))
        elif tag == "_comment":
            comment(clean(node.comment_content or ""))
        elif node.is_element_node:
            try:
                start(tag, _attributes(node, clean))
            except ValueError:  # a name lxml refuses (HTML5 keeps `<a b>` as `a b`…): keep the content
                tag = "span"
                start(tag, {})
            open_elements.append((node, tag))
            node = node.child
            continue
        node = node.next
    return builder.close()


_ATTRIBUTE_NAME = re.compile(r"^[^\s\"'<>/={}]+$")  # HTML5 also keeps `"title"=…`; `{` would be a namespace


def _attributes(node, clean) -> dict[str, str]:
    attributes = node.attributes
    if not attributes:
        return {}
    return {name: clean(value or "") for name, value in attributes.items() if _ATTRIBUTE_NAME.match(name)}


def base_url(root: lxml.html.HtmlElement, url: str) -> str:
    """The URL relative links resolve against: the page URL, or its `<base href>`."""
    for href in root.xpath("//base/@href"):
        if href.strip():
            return urljoin(url, href.strip())
    return url


def absolute_url(href: str | None, base: str) -> str | None:
    """`href` made absolute, or None for javascript:, mailto:, in-page `#` links and empty ones."""
    href = _SPACES.sub("", href or "")  # templates leave newlines and tabs inside href values
    if not href or _NOT_A_PAGE.match(href):
        return None
    if href.startswith(("http://", "https://")):
        return href  # already absolute: skip urljoin, the hot spot on link-heavy pages
    return _join(base, href)


@lru_cache(maxsize=8192)
def _join(base: str, href: str) -> str:
    """urljoin, memoised: a page's links are resolved by several extractors, and a site's
    navigation links recur on every one of its pages."""
    return urljoin(base, href)


def collapse(text: str | None) -> str:
    """Runs of whitespace (including U+3000 and &nbsp;) to one space, ends trimmed."""
    return _SPACES.sub(" ", text or "").strip()


def visible_text(root) -> str:
    """The document's text without script and style contents, text nodes joined by spaces."""
    return " ".join(root.xpath("//text()[not(parent::script) and not(parent::style)]"))


def is_element(node) -> bool:
    """True for tags; False for comments and processing instructions, whose .tag is not a str."""
    return isinstance(node.tag, str)


def is_hidden(el: lxml.html.HtmlElement) -> bool:
    return bool(_HIDDEN_STYLE.search(el.get("style", ""))) or el.get("hidden") is not None


def drop(elements) -> None:
    """Remove elements but keep their tail text (the words after them belong to the parent)."""
    for el in list(elements):
        if el.getparent() is not None:
            el.drop_tree()
