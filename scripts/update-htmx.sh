#!/usr/bin/env bash
# Vendor htmx from the npm registry into static/htmx/: ./scripts/update-htmx.sh 2.0.11
set -euo pipefail
version=${1:?usage: $0 VERSION}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "not a version: $version" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@$version" >/dev/null && tar xzf htmx.org-*.tgz)
mkdir -p "$root/static/htmx"
# No source map is vendored, so its comment goes too (the manifest storage would look for it).
sed '/sourceMappingURL/d' "$work/package/dist/htmx.min.js" > "$root/static/htmx/htmx.min.js"
cp "$work/package/LICENSE" "$root/static/htmx/LICENSE"
echo "$version" > "$root/static/htmx/VERSION"
echo "htmx $version vendored into static/htmx/"
