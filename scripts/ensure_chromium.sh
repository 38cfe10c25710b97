#!/usr/bin/env bash
# Makes sure headless Chromium from Debian's packages is at /usr/bin/chromium for LM's report tests
# (pytests/test_report.py): installs the `chromium` package (and the fonts it renders text with) when absent.
# Idempotent and non-interactive. Exits non-zero with a message when it cannot install.
set -euo pipefail
bin=/usr/bin/chromium
if [[ -x "$bin" ]]; then
    echo "ensure_chromium: $("$bin" --version 2>/dev/null || echo chromium) already at $bin"
    exit 0
fi
sudo_cmd=()
if [[ "$(id -u)" != "0" ]]; then sudo_cmd=(sudo); fi
echo "ensure_chromium: installing chromium from Debian's packages (this takes a while)..."
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
if [[ ! -x "$bin" ]]; then
    echo "ensure_chromium: apt-get finished but $bin is still missing" >&2
    exit 1
fi
echo "ensure_chromium: $("$bin" --version 2>/dev/null || echo chromium) ready at $bin"
