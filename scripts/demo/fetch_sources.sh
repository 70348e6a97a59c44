#!/usr/bin/env bash
# Downloads the pinned raw sources of the demo corpora into a cache folder (not committed):
# npm packages by exact version (`npm pack`) and the Debian package r-bioc-go.db (`apt-get
# download`, unpacked with dpkg-deb). Versions come from scripts/demo/settings.json.
# Usage: bash scripts/demo/fetch_sources.sh CACHE_DIR
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${1:?usage: fetch_sources.sh CACHE_DIR}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"
SETTINGS="$ROOT/scripts/demo/settings.json"

specs="$(node -e 'const s=require(process.argv[1]);console.log(Object.values(s.sources.npm).join("\n"))' "$SETTINGS")"
deb="$(node -e 'console.log(require(process.argv[1]).sources.debian.go_db)' "$SETTINGS")"

for spec in $specs; do
  dir="$CACHE/npm/$(echo "$spec" | tr '/@' '__')"
  if [ -d "$dir/package" ]; then continue; fi
  mkdir -p "$dir"
  echo "fetch: npm $spec"
  tgz="$(cd "$dir" && npm pack "$spec" --silent | tail -1)"
  tar xzf "$dir/$tgz" -C "$dir"
done

godir="$CACHE/debian/go_db"
if [ ! -f "$godir/GO.sqlite" ]; then
  mkdir -p "$godir"
  echo "fetch: debian $deb"
  (cd "$godir" && apt-get download "$deb" >/dev/null 2>&1 || (cd "$godir" && apt-get download "${deb%%=*}"))
  debfile="$(ls "$godir"/*.deb | head -1)"
  dpkg-deb -x "$debfile" "$godir/x"
  cp "$(find "$godir/x" -name GO.sqlite | head -1)" "$godir/GO.sqlite"
  cp "$(find "$godir/x" -path '*r-bioc-go.db/copyright' | head -1)" "$godir/debian-copyright" || true
  basename "$debfile" > "$godir/package.txt"
fi
echo "fetch: sources ready in cache"
