#!/usr/bin/env bash
# Vendor the Danish public-sector design system (npm package "dkfds") into static/dkfds/.
#
# Usage: scripts/update-dkfds.sh VERSION      e.g. scripts/update-dkfds.sh 11.2.0
#
# Only what the pages use is kept: the minified CSS and JS, every font and image the CSS
# references by url(...), the SVG icon sprite, the licence and a VERSION file. Django's
# ManifestStaticFilesStorage fails on a referenced file that is missing, so the file list is
# derived from the CSS itself rather than written by hand.
set -euo pipefail

if [[ $# -ne 1 || ! $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "usage: $0 VERSION   (for example 11.2.0)" >&2
    exit 2
fi
version=$1

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target="$root/static/dkfds"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "dkfds@$version" >/dev/null)
tar -xzf "$work/dkfds-$version.tgz" -C "$work"
dist="$work/package/dist"

staging="$work/dkfds"
mkdir -p "$staging/css" "$staging/js" "$staging/img"

# The source maps are not vendored, so drop the comments pointing at them (only the comment, in
# case it ever shares a line with code): the manifest storage would look for the .map and fail.
sed -E 's#/\*\# sourceMappingURL=[^*]*\*/##' "$dist/css/dkfds.min.css" >"$staging/css/dkfds.min.css"
sed -E 's#//\# sourceMappingURL=.*$##' "$dist/js/dkfds.min.js" >"$staging/js/dkfds.min.js"
if grep -q 'sourceMappingURL=' "$staging/css/dkfds.min.css" "$staging/js/dkfds.min.js"; then
    echo "could not strip the source map comments" >&2
    exit 1
fi

# Every relative url(...) in the CSS, without quotes, query strings or fragments; data: URIs and
# absolute URLs are not files. Paths are relative to css/, so ../x lands at the top of the copy.
referenced=$(grep -o 'url([^)]*)' "$staging/css/dkfds.min.css" \
    | sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//; s/[?#].*$//' \
    | { grep -vE '^(data:|[a-z]+://|/)' || true; } \
    | sort -u)
if [[ -z $referenced ]]; then
    echo "no url(...) references found in dkfds.min.css; has the package layout changed?" >&2
    exit 1
fi
while IFS= read -r ref; do
    relative=${ref#../}
    if [[ $relative == "$ref" || $relative == *..* ]]; then
        echo "unexpected reference in dkfds.min.css: $ref" >&2
        exit 1
    fi
    mkdir -p "$staging/$(dirname "$relative")"
    cp "$dist/$relative" "$staging/$relative"
done <<<"$referenced"

cp "$dist/img/all-svg-icons.svg" "$staging/img/"
cp "$work/package/LICENSE.md" "$staging/LICENSE.md"
echo "$version" >"$staging/VERSION"

rm -rf "$target"
mkdir -p "$(dirname "$target")"
mv "$staging" "$target"

echo "dkfds $version vendored into ${target#"$root"/}: $(find "$target" -type f | wc -l) files, $(du -sh "$target" | cut -f1)"
