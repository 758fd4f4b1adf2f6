"""沙盒 (sandbox): synthetic Chinese government websites on loopback, with planted defects.

gkwatch cannot reach real agency sites in tests, so it carries a test bed: ten fictional agencies,
generated deterministically (seeded random, a fixed 2024–2030 calendar), each served on its own
127.0.0.x address, with a ground-truth manifest. The crawler is not sandbox-aware: everything it
needs is in the HTML, as on a real site. Which real agency each one imitates:

==================  ===========================  ======  ========  =========================================
id                  name                         cms     encoding  modelled on (the seed documents, tests/files/seeds)
==================  ===========================  ======  ========  =========================================
sb-huailing-gov     淮岭市人民政府               trs     utf-8     a 市人民政府; homepage links its departments
sb-huailing-swj     淮岭市商务局                 trs     utf-8     seed 000 淮南市商务局
sb-huailing-czj     淮岭市财政局 (clean)         trs     utf-8     the one agency without any defect
sb-xuanlin-swj      宣林市商务局                 hanweb  utf-8     seed 001 宣城市商务局
sb-nanyu-wjmj       南屿市对外贸易经济合作局     table   gbk       seed 002 南安市外经贸局 (县级市)
sb-suichuan-jmw     穗川市经济贸易委员会         trs     utf-8*    seed 004 广州市经贸委 (*header says ISO-8859-1)
sb-yuanchuan-swj    元川县商务局                 js      utf-8     元江县商务局 (JavaScript-drawn lists)
sb-wuxing-swj       武兴区商务局                 hanweb  utf-8     seed 003 成都市武侯区商务局
sb-fengling-gov     凤岭县人民政府               table   utf-8     a 县人民政府 (down 2026-11-12..25)
sb-qingshi-zf       青石镇人民政府               table   utf-8     a 乡镇人民政府
==================  ===========================  ======  ========  =========================================

Use ``Sandbox(as_of).start()`` (or ``with Sandbox(as_of) as sb``), ``build_manifest(as_of, port)`` for
the truth, ``registry_entries(port)`` for registry YAML.
"""

from .manifest import build_manifest, registry_entries
from .server import Sandbox

DEFAULT_PORT = 8700

__all__ = ["DEFAULT_PORT", "Sandbox", "build_manifest", "registry_entries"]
