"""沙盒 (sandbox): synthetic Chinese government websites on loopback, with planted defects.

gkwatch cannot reach real agency sites in tests, so it carries a test bed: thirteen fictional agencies,
generated deterministically (seeded random, a fixed 2024–2030 calendar), each served on its own
127.0.0.x address, with a ground-truth manifest. The crawler is not sandbox-aware: everything it
needs is in the HTML, as on a real site. Which real agency each one imitates:

==================  ===========================  =========  ========  ======================================
id                  name                         cms        encoding  modelled on
==================  ===========================  =========  ========  ======================================
sb-huailing-gov     淮岭市人民政府               trs        utf-8     a 市人民政府; homepage links its departments
sb-huailing-swj     淮岭市商务局                 trs        utf-8     seed 000 淮南市商务局
sb-huailing-czj     淮岭市财政局 (clean)         trs        utf-8     the one agency without any defect
sb-xuanlin-swj      宣林市商务局                 hanweb     utf-8     seed 001 宣城市商务局
sb-nanyu-wjmj       南屿市对外贸易经济合作局     table      gbk       seed 002 南安市外经贸局 (县级市)
sb-suichuan-jmw     穗川市经济贸易委员会         trs        utf-8*    seed 004 广州市经贸委 (*header says ISO-8859-1)
sb-yuanchuan-swj    元川县商务局                 js         utf-8     元江县商务局 (JavaScript-drawn lists)
sb-wuxing-swj       武兴区商务局                 hanweb     utf-8     seed 003 成都市武侯区商务局
sb-fengling-gov     凤岭县人民政府               table      utf-8     a 县人民政府 (down 2026-11-12..25)
sb-qingshi-zf       青石镇人民政府               table      utf-8     a 乡镇人民政府
sb-minhai-swt       闽海省商务厅                 haiyun     utf-8     a 福建 省直部门 on the provincial TRS 海云 site group
sb-lianchuan-gov    莲川区人民政府               gkmlpt     utf-8     a 广东 区政府 (政府信息公开目录平台)
sb-shichuan-czj     石川县财政局                 powereasy  utf-8     a 浙江 县级部门 on 动易 SiteFactory
==================  ===========================  =========  ========  ======================================

The first ten listen on 127.0.0.11–20, the last three on 127.0.0.42–44 (after the fault sites:
``model.address_index``). The seed documents are in tests/files/seeds; the newer families follow
the real pages of tests/files/real-pages (``families/haiyun.py``, ``gkmlpt.py``, ``powereasy.py``).

What only a crawler with history sees is planted as well (``ColumnSpec``'s history fields): message
boards (淮岭 市长信箱 as labelled rows, 青石 网上留言 as a table, 元川 局长信箱 from a JSON endpoint) with
messages answered late or never; a 解读 for every policy document but one (宣林); residents' ID and
mobile numbers in a 公示 page (淮岭市商务局) and a PDF attachment (南屿), look-alikes beside them and at
the clean agency; and on ``agencies.HISTORY_DAY`` (2026-11-23), the day after the tests' reference
day, a back-dated item (武兴) and a reorganised portal (石川: a column renamed, moved, dropped, added).

Use ``Sandbox(as_of).start()`` (or ``with Sandbox(as_of) as sb``), ``build_manifest(as_of, port)`` for
the truth, ``registry_entries(port)`` for registry YAML.

故障站点 (fault sites), only when asked for: ``Sandbox(as_of, faults=True)`` also serves twenty fault
agencies on 127.0.0.21–40 (``fault_sites.py``: clean sites of the same CMS families, each with one
fault a crawler meets on real sites: 瑞数/加速乐 challenges, WAF block pages, maintenance, outages,
soft 404s, a redirect loop, broken bodies, a lying charset, a column moved to a provincial platform
on 127.0.0.41, …; ``faults.py``). ``build_manifest(as_of, port, faults=True)`` adds them, their true
defects and a ``faults`` list (what a crawler should record for each fault's URLs: the verdicts of
``core.vocabulary.VERDICTS``); ``faults.fault_registry_entries(port)`` is their registry.
``sandbox.arm_faults()`` restarts the once-only faults, ``sandbox.fault_log`` says which answers a
fault gave. benchmarks/faults/run.py and tests/test_faults.py crawl and check them.

全国模拟 (national simulation), issue #18: ``national.World(n, seed)`` draws N agencies in the country's
proportions (levels, CMS families, planted defects and faults at known rates) whose sites are the
families' pages built on request; ``national_server`` serves them all from one asyncio process on
127.1.0.1 onwards, counting requests and the most in flight per site; ``national_registry_entries`` and
``build_national_manifest`` are their registry and truth (benchmarks/national, tests/test_sandbox_national.py).
"""

from .manifest import build_manifest, registry_entries
from .server import Sandbox

DEFAULT_PORT = 8700

__all__ = ["DEFAULT_PORT", "Sandbox", "build_manifest", "registry_entries"]
