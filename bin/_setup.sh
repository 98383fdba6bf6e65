# Shared by bin/demo and bin/test: a Python 3.11+ virtual environment in .venv.
# Installs Debian's python3-venv when venv is missing (the only system package it needs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "dx_match needs Python 3.11 or newer ($PYTHON is $("$PYTHON" --version 2>&1))" >&2
  exit 1
fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    as_root apt-get update -qq && as_root apt-get install -y -qq python3-venv
    rm -rf .venv && "$PYTHON" -m venv .venv
  fi
fi
.venv/bin/python -m pip install -q --upgrade pip
# The proposal PDFs (WeasyPrint) need Pango, and Chinese and Japanese text needs Noto CJK.
if [ "$(dpkg-query -W -f='${Status}\n' libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk 2>/dev/null | grep -c 'install ok installed')" != 3 ]; then
  as_root apt-get update -qq && as_root apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk
fi
