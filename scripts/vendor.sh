#!/usr/bin/env bash
# Vendor the front-end files from pinned npm packages into static/vendor/ (committed).
# Needs Node.js/npm only when the versions below change; `make run` never calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=static/vendor
PACKAGES=(
  "@digdir/designsystemet-css@1.22.0"
  "@digdir/designsystemet-theme@1.11.0"
  "@fontsource/inter@5.3.0"
  "htmx.org@2.0.8"
  "vega@6.4.0"
  "vega-lite@6.5.0"
  "vega-embed@7.3.0"
  "axe-core@4.14.1"
  "world-atlas@2.0.2"
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for spec in "${PACKAGES[@]}"; do
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
done
rm -rf "$DEST" && mkdir -p "$DEST"/{designsystemet,inter,htmx,vega,axe,world-atlas}
unpack() { mkdir -p "$work/$1" && tar xzf "$work"/$2 -C "$work/$1"; }
unpack dscss "digdir-designsystemet-css-*.tgz"
unpack dstheme "digdir-designsystemet-theme-*.tgz"
unpack inter "fontsource-inter-*.tgz"
unpack htmx "htmx.org-*.tgz"
unpack vega "vega-6*.tgz"
unpack vegalite "vega-lite-*.tgz"
unpack vegaembed "vega-embed-*.tgz"
unpack axe "axe-core-*.tgz"
unpack worldatlas "world-atlas-*.tgz"
cp "$work/dscss/package/dist/src/index.css" "$DEST/designsystemet/designsystemet.css"
cp "$work/dscss/package/dist/theme/designsystemet.css" "$DEST/designsystemet/theme.css"
cp "$work/dscss/package/LICENSE"* "$DEST/designsystemet/" 2>/dev/null || true
for weight in 400 500 600 700; do
  cp "$work/inter/package/files/inter-latin-$weight-normal.woff2" "$DEST/inter/"
  cp "$work/inter/package/files/inter-latin-ext-$weight-normal.woff2" "$DEST/inter/"
done
cp "$work/inter/package/LICENSE" "$DEST/inter/" 2>/dev/null || true
cp "$work/htmx/package/dist/htmx.min.js" "$DEST/htmx/"
cp "$work/vega/package/build/vega.min.js" "$DEST/vega/"
cp "$work/vegalite/package/build/vega-lite.min.js" "$DEST/vega/"
cp "$work/vegaembed/package/build/vega-embed.min.js" "$DEST/vega/"
# vega-interpreter ships only as an ES module; bundle it into one classic script so charts
# render under a Content-Security-Policy without 'unsafe-eval'.
(
  cd "$work" && npm init -y >/dev/null && npm install --silent vega-interpreter@2.3.2 esbuild@0.25.12 >/dev/null
  echo "import { expressionInterpreter } from 'vega-interpreter'; window.vegaExpressionInterpreter = expressionInterpreter;" > entry.js
  npx esbuild entry.js --bundle --minify --format=iife --log-level=warning --outfile=vega-interpreter.min.js
)
cp "$work/vega-interpreter.min.js" "$DEST/vega/"
cp "$work/axe/package/axe.min.js" "$DEST/axe/"
# Natural Earth's country boundaries (public domain; the package is ISC) as TopoJSON, at 1:50m.
# The server reads it to draw the landscape map as SVG (klyngekart/landscape/worldmap.py); no
# browser fetches it.
cp "$work/worldatlas/package/countries-50m.json" "$work/worldatlas/package/LICENSE" "$DEST/world-atlas/"
# The source maps are not vendored, so their references go too: collectstatic's manifest storage
# (whitenoise, production) rewrites every sourceMappingURL and stops at the first missing file,
# leaving no manifest and every page a 500. The same two edits made the committed files.
find "$DEST" -name '*.js' -exec sed -i -E '/^\/\/# sourceMappingURL=/d' {} +
find "$DEST" -name '*.css' -exec sed -i -E 's@/\*# sourceMappingURL=[^*]*\*/@@g' {} +
# Each vendored package with its version and its licence (SPDX, as its package.json says).
{
  for spec in "${PACKAGES[@]}"; do printf '%s %s\n' "$spec" "$(npm view "$spec" license)"; done
  printf '%s\n' "vega-interpreter@2.3.2 BSD-3-Clause (bundled with esbuild@0.25.12 MIT)"
} > "$DEST/VERSIONS"
echo "vendored into $DEST:"; find "$DEST" -type f | sort
