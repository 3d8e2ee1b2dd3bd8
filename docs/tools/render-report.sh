#!/usr/bin/env bash
# Renders the HTML report of the bundled example model and takes a screenshot of it in headless
# Chromium, to look at what people will see. Not run in CI.
#
#   docs/tools/render-report.sh [MODEL.onnx] [OUTPUT_FOLDER]
#
# Needs Java 17, Maven and Chromium (Debian: apt-get install -y chromium). Builds amct-api's test
# classes, runs org.amct.api.docs.RenderExampleReport (decompose + HtmlReport.write) and writes
# OUTPUT_FOLDER/report.html and OUTPUT_FOLDER/report.png (default folder: /tmp/amct-report).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="$(realpath "${1:-$root/examples/tiny_resnet.onnx}")"
out="$(mkdir -p "${2:-/tmp/amct-report}" && cd "${2:-/tmp/amct-report}" && pwd)"

cd "$root"
mvn -q -B -pl amct-api test-compile exec:java \
    -Dexec.mainClass=org.amct.api.docs.RenderExampleReport \
    -Dexec.classpathScope=test \
    -Dexec.args="$model $out/report.html"

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --hide-scrollbars --screenshot="$out/report.png" --window-size=1200,2000 \
    "file://$out/report.html"
echo "Wrote $out/report.html and $out/report.png"
