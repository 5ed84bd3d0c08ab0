#!/usr/bin/env bash
# The playground's end-to-end tests: a production build (static files with a
# relative base, as `npm run playground:build` makes them), served by
# `vite preview`, driven in Chromium by Playwright (playwright.config.ts,
# playground/e2e/). Screenshots of each example at 1280x800 and 390x844 go to
# test-results/playground/, listed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
rm -rf test-results/playground
node_modules/.bin/vite build --logLevel warn
node_modules/.bin/playwright test --config playwright.config.ts "$@"
echo "screenshots:"
ls -1 "$PWD"/test-results/playground/*.png 2>/dev/null | sed 's/^/  /' || echo "  none"
echo "check-playground: $(( $(date +%s) - start )) s"
