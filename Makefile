# gkwatch: the two commands of the README.
#   make demo   set up, start the sandbox, crawl, check, serve Datasette on http://127.0.0.1:8001
#   make test   set up with test extras, run the test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CHROMIUM ?= /usr/bin/chromium
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
# An editable install leaves the project's modules uncompiled; where PYTHONDONTWRITEBYTECODE is set
# (many Docker images, our development machines) every gkwatch process, crawl workers included,
# would compile them again on every start (0.1–0.2 s each).
# scrapy-redis (crawls with workers, crawlers/cluster.py) asks for redis>=4.2 while pywb pins redis==2.10.6;
# what scrapy-redis calls (LPUSH, ZADD through execute_command, SADD, pipelines) 2.10.6 has, and
# tests/test_crawl_redis.py runs it against a real Redis: installed without its dependencies.
SCRAPY_REDIS := scrapy-redis==0.9.1
COMPILE := $(PY) -m compileall -q core storage extract crawlers monitors dashboards gkwatch sandbox

.PHONY: demo test system-deps install install-test clean

demo: install system-deps
	$(VENV)/bin/gkwatch demo

test: install-test system-deps
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "gkwatch 需要 Python >= 3.11 (needs Python 3.11 or newer)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[sandbox]'
	$(PY) -m pip install -q --no-deps '$(SCRAPY_REDIS)'
	$(COMPILE)
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m pip install -q --no-deps '$(SCRAPY_REDIS)'
	$(COMPILE)
	touch $@ $(VENV)/.installed

# Debian's Chromium (Playwright cannot download its own browser here), a CJK font for screenshots and
# PDF reports, poppler-utils (pdftotext: the tests read the PDF reports), antiword (.doc attachments)
# and redis-server (crawls with workers; the tests start their own on a free port).
system-deps:
	@if [ -x $(CHROMIUM) ] && [ -f $(CJK_FONT) ] && command -v pdftotext >/dev/null && command -v antiword >/dev/null && command -v redis-server >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "安装 installing chromium fonts-wqy-microhei poppler-utils antiword redis-server (apt-get)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei poppler-utils antiword redis-server >/dev/null; \
	else \
		echo "缺少 Chromium、中文字体、pdftotext、antiword 或 redis-server: 请以 root 运行 'apt-get install chromium fonts-wqy-microhei poppler-utils antiword redis-server'"; \
		echo "(missing Chromium, a CJK font, pdftotext, antiword or redis-server: install Debian packages chromium fonts-wqy-microhei poppler-utils antiword redis-server)"; \
		exit 1; \
	fi

clean:
	rm -rf $(VENV) demo-data .pytest_cache
