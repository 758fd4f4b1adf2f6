"""Datasette's chrome in Chinese: its own templates (and datasette-dashboards'), phrase by phrase.

Copying Datasette's templates to translate them would fork ~900 lines that change with every
release. Instead ``PatchingLoader`` loads the stock templates of the pinned versions and replaces
each English phrase of ``PATCHES`` with its Chinese; a few replacements also show labels instead of
codes (facet values, dashboard filter options, column headings). tests/test_pages_chrome.py holds
every phrase to the pinned templates: an upgrade that changes one fails there, not silently.
Templates of our own (``dashboards/templates``) are never patched.
"""

from __future__ import annotations

import re
from pathlib import Path

import datasette
import datasette_dashboards
from jinja2 import BaseLoader

STOCK_DIRS = tuple(str(Path(package.__file__).parent / "templates") for package in (datasette, datasette_dashboards))

_EXPORT_LINKS = ('This data as {% for name, url in renderers.items() %}<a href="{{ url }}">{{ name }}</a>'
                 '{{ ", " if not loop.last }}{% endfor %}')
_EXPORT_LINKS_ZH = ('导出：{% for name, url in renderers.items() %}<a href="{{ export_url(name, url) }}">{{ name|zh }}</a>'
                    '{{ "、" if not loop.last }}{% endfor %}')
_ROWS = '{{ "{:,}".format(filtered_table_rows_count) }} row{% if filtered_table_rows_count == 1 %}{% else %}s{% endif %}'
_ROWS_ZH = '共 {{ "{:,}".format(filtered_table_rows_count) }} 行'
_LICENSE = [("Data license:", "数据许可："), ("Data source:", "数据来源："), ("About:", "关于：")]
_ACTIONS = [('<title id="actions-menu-links-title">Table actions</title>', '<title id="actions-menu-links-title">操作</title>')]

# template name → [(English as in the pinned template, what replaces it)]; every phrase must occur.
PATCHES: dict[str, list[tuple[str, str]]] = {
    "base.html": [
        ("<html>", '<html lang="zh-CN">'),
        ('<title id="nav-menu-svg-title">Menu</title>', '<title id="nav-menu-svg-title">菜单</title>'),
        ('<li><a href="{{ link.href }}">{{ link.label }}</a></li>', '<li><a href="{{ link.href }}">{{ link.label|zh }}</a></li>'),
        ('<button class="button-as-link">Log out</button>', '<button class="button-as-link">退出登录</button>'),
        ("{% block crumbs %}{{ crumbs.nav(request=request) }}{% endblock %}",
         '{% block crumbs %}{{ crumbs.nav(request=request) }}{% endblock %}{% include "_gk_nav.html" %}'),
    ],
    "_crumbs.html": [('<a href="{{ item.href }}">{{ item.label }}</a>', '<a href="{{ item.href }}">{{ item.label|zh }}</a>')],
    "_footer.html": [("Powered by", "技术支持："), ("Queries took", "查询用时"), *_LICENSE],
    "_description_source_license.html": _LICENSE,
    "_suggested_facets.html": [("Suggested facets:", "建议分面：")],
    "_facet_results.html": [
        ('{{ (facet_value.label | string()) or "-" }}', '{{ facet_label(table, facet_info.name, facet_value.label) or "-" }}'),
        ('{{ facet_value.label or "-" }}', '{{ facet_label(table, facet_info.name, facet_value.label) or "-" }}'),
    ],
    "_table.html": [
        ("{% if not column.sortable %}",
         '{% if column.description %}<span class="column-label">{{ column.description|short_label }}</span>{% endif %}'
         "{% if not column.sortable %}"),
        ('<p class="zero-results">0 records</p>', '<p class="zero-results">没有记录</p>'),
        # a cell says its column, so that gkwatch.css can size columns by name (Chinese names too)
        ('<td class="col-{{ cell.column|to_css_class }} type-{{ cell.value_type }}">',
         '<td class="col-{{ cell.column|to_css_class }} type-{{ cell.value_type }}" data-column="{{ cell.column }}">'),
    ],
    "database.html": [
        *_ACTIONS,
        ("<h3>Custom SQL query</h3>", "<h3>自定义 SQL 查询</h3>"),
        ('type="button" hidden>Format SQL</button>', 'type="button" hidden>格式化 SQL</button>'),
        ('<input type="submit" value="Run SQL">', '<input type="submit" value="运行 SQL">'),
        ('<h2 id="queries">Queries</h2>', '<h2 id="queries">预设查询</h2>'),
        ('<h2 id="tables">Tables</h2>', '<h2 id="tables">数据表</h2>'),
        ('<h2 id="views">Views</h2>', '<h2 id="views">视图</h2>'),
        ('{{ table.name }}</a>{% if table.private %}', '{{ table.name|titled }}</a>{% if table.private %}'),
        ('{% if table.count is none %}Many rows{% else %}{{ "{:,}".format(table.count) }} row{% if table.count == 1 %}{% else %}s{% endif %}{% endif %}',
         '{% if table.count is none %}行数很多{% else %}{{ "{:,}".format(table.count) }} 行{% endif %}'),
        ("<em> (hidden)</em>", "<em>（隐藏）</em>"),
        ('... and <a href="{{ urls.database(database) }}?_show_hidden=1">{{ "{:,}".format(hidden_count) }} hidden table{% if hidden_count == 1 %}{% else %}s{% endif %}</a>',
         '另有 <a href="{{ urls.database(database) }}?_show_hidden=1">{{ "{:,}".format(hidden_count) }} 个隐藏的表</a>'),
        ("Download SQLite DB:", "下载 SQLite 数据库："),
    ],
    "table.html": [
        *_ACTIONS,
        (_ROWS + "{% endif %}{% if human_description_en %} {{ human_description_en }}{% endif %}",
         _ROWS_ZH + "{% endif %}{% if human_description_en %} {{ human_description_en|zh_description }}{% endif %}"),
        (_ROWS + "{% endif %}\n        {% if human_description_en %}{{ human_description_en }}{% endif %}",
         _ROWS_ZH + "{% endif %}\n        {% if human_description_en %}{{ human_description_en|zh_description }}{% endif %}"),
        ("{% if is_view %} (view){% endif %}", "{% if is_view %}（视图）{% endif %}"),
        ('<dl class="column-descriptions">', '<details class="column-descriptions"><summary>各列说明</summary><dl class="column-descriptions">'),
        ("    {% endfor %}\n</dl>\n{% endif %}", "    {% endfor %}\n</dl></details>\n{% endif %}"),
        ('<label for="_search">Search:</label>', '<label for="_search">搜索：</label>'),
        ('<option value="">- remove filter -</option>', '<option value="">- 删除条件 -</option>'),
        ('<option value="">- column -</option>', '<option value="">- 选择列 -</option>'),
        ("{{ display }}</option>", "{{ display|zh }}</option>"),
        ('<option value="">Sort...</option>', '<option value="">排序…</option>'),
        (">Sort by {{ column.name }}</option>", ">按 {{ column.name }} 排序</option>"),
        ("> descending</label>", "> 降序</label>"),
        ('<input type="submit" value="Apply">', '<input type="submit" value="应用">'),
        ("extra where clause{% if extra_wheres_for_ui|length != 1 %}s{% endif %}", "个附加条件"),
        ('">remove</a>]', '">删除</a>]'),
        ('<span class="underlined">View and edit SQL</span>', '<span class="underlined">查看和编辑 SQL</span>'),
        (_EXPORT_LINKS, _EXPORT_LINKS_ZH),
        ('(<a href="#export">advanced</a>)', '（<a href="#export">更多选项</a>）'),
        ("These facets timed out:", "以下分面统计超时："),
        (">Next page</a>", ">下一页</a>"),
        ("<h3>Advanced export</h3>", "<h3>更多导出选项</h3>"),
        ("<p>JSON shape:", "<p>JSON 格式："),
        ("'_shape=array') }}\">array</a>", "'_shape=array') }}\">数组</a>"),
        ("\">default</a>", "\">默认</a>"),
        ("'_shape=array&_nl=on') }}\">newline-delimited</a>", "'_shape=array&_nl=on') }}\">每行一条</a>"),
        ("'_shape=object') }}\">object</a>", "'_shape=object') }}\">对象</a>"),
        ("CSV options:", "CSV 选项："),
        ("> download file</label>", "> 下载文件</label>"),
        ("> expand labels</label>", "> 展开关联名称</label>"),
        ("> stream all rows</label>", "> 导出全部行</label>"),
        ('<input type="submit" value="Export CSV">', '<input type="submit" value="导出 CSV">'),
    ],
    "query.html": [
        ("<h3>Custom SQL query{% if display_rows %} returning {% if truncated %}more than {% endif %}"
         '{{ "{:,}".format(display_rows|length) }} row{% if display_rows|length == 1 %}{% else %}s{% endif %}{% endif %}',
         "<h3>{% if canned_query %}查询{% else %}自定义 SQL 查询{% endif %}{% if display_rows %}：{% if truncated %}超过 {% endif %}"
         '{{ "{:,}".format(display_rows|length) }} 行{% endif %}'),
        ("{{ show_hide_text }}", "{{ show_hide_text|zh }}"),
        ("<h3>Query parameters</h3>", "<h3>查询条件</h3>"),
        ('<label for="qp{{ loop.index }}">{{ name }}</label>', '<label for="qp{{ loop.index }}">{{ name|zh }}</label>'),
        ('type="button" hidden>Format SQL</button>', 'type="button" hidden>格式化 SQL</button>'),
        ('<input type="submit" value="Run SQL"', '<input type="submit" value="查询"'),
        ('class="canned-query-edit-sql">Edit SQL</a>', 'class="canned-query-edit-sql">编辑 SQL</a>'),
        (_EXPORT_LINKS + ', <a href="{{ url_csv }}">CSV</a></p>', _EXPORT_LINKS_ZH + '、<a href="{{ url_csv }}">CSV</a></p>'),
        ('<p class="zero-results">0 results</p>', '<p class="zero-results">没有结果</p>'),
        ('<td class="col-{{ column|to_css_class }}">', '<td class="col-{{ column|to_css_class }}" data-column="{{ column }}">'),
    ],
    "row.html": [
        (_EXPORT_LINKS, _EXPORT_LINKS_ZH),
        ("<h2>Links from other tables</h2>", "<h2>其他表中的关联记录</h2>"),
        (' row{% if other.count == 1 %}{% else %}s{% endif %}</a>\n                from {{ other.other_column }} in {{ other.other_table }}',
         ' 条</a>\n                （{{ other.other_table|titled }} 的 {{ other.other_column }}）'),
    ],
    "dashboard_list.html": [
        ("{% block title %}Dashboards{% endblock %}", "{% block title %}仪表盘{% endblock %}"),
        ('<a href="{{ urls.instance() }}">home</a>', '<a href="{{ urls.instance() }}">首页</a>'),
        ("<h1>Dashboards</h1>", "<h1>仪表盘</h1>"),
        ("<p>No dashboards found</p>", "<p>没有仪表盘</p>"),
    ],
    "dashboard_view.html": [
        ('<a href="{{ urls.instance() }}">home</a> /', '<a href="{{ urls.instance() }}">首页</a> /'),
        ("\">dashboards</a>", "\">仪表盘</a>"),
        ('onclick="toggleFullscreen()">Fullscreen</button>', 'onclick="toggleFullscreen()">全屏</button>'),
        ('<input type="submit" value="Apply">', '<input type="submit" value="应用">'),
        ('title="SQL query returning more than {{ row_limit }} rows"', 'title="查询结果超过 {{ row_limit }} 行，只显示前 {{ row_limit }} 行"'),
        ('<option value="{{ option }}">{{ option }}</option>',
         '<option value="{{ option }}">{{ option_labels.get(key, {}).get(option, option) }}</option>'),
        (">{{ option }}</option>\n", ">{{ option_labels.get(key, {}).get(option, option) }}</option>\n"),
    ],
}

# Words Datasette's Python puts on pages (menu links, crumbs, filter operators, export formats,
# query parameters), in Chinese.
WORDS: dict[str, str] = {
    "home": "首页", "Dashboards": "仪表盘", "hide": "隐藏 SQL", "show": "显示 SQL",
    "=": "等于", "!=": "不等于", "contains": "包含", "endswith": "结尾为", "startswith": "开头为",
    ">": "大于", "\u2265": "大于等于", "<": "小于", "\u2264": "小于等于", "like": "like（模式）",
    "not like": "not like（模式）", "glob": "glob（模式）", "in": "属于", "not in": "不属于",
    "array contains": "数组包含", "array does not contain": "数组不包含", "date": "日期为",
    "is null": "为空", "is not null": "不为空", "is blank": "为空白", "is not blank": "不为空白",
    "json": "JSON", "atom": "Atom 订阅", "csvbom": "CSV（Excel）", "xlsx": "Excel（XLSX）",
    "agency": "机构 id", "q": "搜索词", "run": "抓取批次",
}

# What Datasette's English description of a table's filters and sort says, phrase by phrase
# (quoted values are left as they are).
_DESCRIPTION = [
    (re.compile(r"^where "), "条件："), (re.compile(r" sorted by (\S+) descending$"), r"，按 \1 降序"),
    (re.compile(r"(^| )sorted by (\S+)$"), r"\1按 \2 排序"), (re.compile(r"^sorted by "), "按 "),
    (re.compile(r"search matches "), "搜索 "), (re.compile(r" does not contain "), " 不包含 "),
    (re.compile(r" contains "), " 包含 "), (re.compile(r" ends with "), " 结尾为 "),
    (re.compile(r" starts with "), " 开头为 "), (re.compile(r" is not null"), " 不为空"),
    (re.compile(r" is null"), " 为空"), (re.compile(r" is not blank"), " 不为空白"),
    (re.compile(r" is blank"), " 为空白"), (re.compile(r" is on date "), " 日期为 "),
    (re.compile(r" not in "), " 不属于 "), (re.compile(r" in "), " 属于 "),
    (re.compile(r" and "), "，且 "), (re.compile(r", "), "，"),
]
_QUOTED = re.compile(r'("[^"]*")')


def zh_description(text: str) -> str:
    """「where check_name = "x" sorted by last_seen descending」 → 「条件：check_name = "x"，按 last_seen 降序」."""
    parts = _QUOTED.split(text)
    for i in range(0, len(parts), 2):   # outside the quotes only
        for pattern, replacement in _DESCRIPTION:
            parts[i] = pattern.sub(replacement, parts[i])
    return "".join(parts)


def short_label(description: str) -> str:
    """A column's Chinese name from its metadata description: 「检查项 (check)」 → 检查项."""
    return re.split(r"[：:（(,，]| \(", description, maxsplit=1)[0].strip()


def patch(name: str, source: str) -> str:
    for old, new in PATCHES.get(name, ()):
        source = source.replace(old, new)
    return source


class PatchingLoader(BaseLoader):
    """Datasette's loader, with the stock templates (``default:x.html`` too) patched into Chinese."""

    def __init__(self, inner: BaseLoader):
        self.inner = inner

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        if filename and filename.startswith(STOCK_DIRS):
            source = patch(template.split(":", 1)[-1], source)
        return source, filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


# Words a title may use for the same thing: a phrase search for one does not find the other.
SEARCH_ALTERNATIVES: tuple[tuple[str, ...], ...] = (("年报", "年度报告"), ("预算", "预决算"))


def search_alternatives(search: str) -> list[str]:
    """Searches worth trying beside ``search``: 「年报」 → [「年度报告」]; 「2023年度报告」 → [「2023年报」]."""
    out = []
    for group in SEARCH_ALTERNATIVES:
        for word in sorted(group, key=len, reverse=True):
            if word in search:
                out += [search.replace(word, other) for other in group if other != word]
                break
    return out
