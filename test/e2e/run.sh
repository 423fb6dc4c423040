#!/usr/bin/env bash
# Real VS Code in the loop: setup, build + package, then two suites against code-server
#   1. extension-host suite: mocha inside the real extension host (extension loaded from the repo)
#   2. UI suite: the packaged .vsix installed into code-server, driven through chromium
# Ends with `N passed, N failed`; exits non-zero on any failure.
# Selecting (to rerun only what you work on; CI runs everything):
#   E2E_SUITES="ext-host ui"  which suites run (default both)
#   E2E_EXT_FILES=<regex>     extension-host suite files whose name matches (world.e2e.js)
#   E2E_UI_STEPS=<regex>      UI steps whose title matches (the first step, opening the workbench, always runs)
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/e2e/env.sh
T0=$(date +%s); step() { echo "== e2e [$(( $(date +%s) - T0 ))s] $*"; }

PGIDS=()
stop_servers() {
  local pg
  for pg in "${PGIDS[@]}"; do
    kill -TERM -- "-$pg" 2>/dev/null || continue
    # the extension host waits hours for a reconnect unless the whole group goes
    for _ in $(seq 50); do kill -0 -- "-$pg" 2>/dev/null || continue 2; sleep 0.1; done
    kill -KILL -- "-$pg" 2>/dev/null || true
  done
  PGIDS=()
}
FAILED_LOGS=()
on_exit() {
  local rc=$?
  stop_servers
  if [ "$rc" != 0 ]; then
    for f in "${FAILED_LOGS[@]}"; do [ -f "$f" ] && { echo "--- last lines of $f"; grep -vE '^\s+at ' "$f" | tail -25; }; done
  fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# start_server NAME USER_DATA_DIR EXTENSIONS_DIR [code-server args...]; sets URL
start_server() {
  local name=$1 ud=$2 exts=$3 log="$E2E/logs/code-server-$1.log"; shift 3
  mkdir -p "$ud/User" "$exts"; cp test/e2e/settings.json "$ud/User/settings.json"
  FAILED_LOGS+=("$log")
  # port 0: the kernel picks a free port, code-server logs which one
  setsid "$CS_NODE" "$CS_ENTRY" --bind-addr 127.0.0.1:0 --auth none \
    --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
    --user-data-dir "$ud" --extensions-dir "$exts" "$@" >"$log" 2>&1 &
  PGIDS+=($!)
  local pid=$! deadline=$(( $(date +%s) + 60 ))
  URL=
  while [ -z "$URL" ]; do
    URL=$(grep -oE 'HTTP server listening on http://127\.0\.0\.1:[0-9]+' "$log" | grep -oE 'http://.*' || true)
    kill -0 "$pid" 2>/dev/null || { echo "code-server ($name) exited during start"; return 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "code-server ($name) did not listen within 60 s"; return 1; }
    [ -n "$URL" ] || sleep 0.2
  done
  until curl -fsS "$URL/healthz" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "code-server ($name) not healthy within 60 s"; return 1; }
    sleep 0.2
  done
  echo "   code-server ($name) at $URL"
}
fresh_workspace() { rm -rf "$1"; mkdir -p "$1"; cp -r test/e2e/fixtures/ws/. "$1/"; node --import tsx test/e2e/site-snapshot.ts "$1"; }
keep_vscode_logs() { rm -rf "$E2E/logs/vscode-$1"; [ -d "$2/logs" ] && cp -r "$2/logs" "$E2E/logs/vscode-$1"; return 0; }
tsx() { node --import tsx "$@"; }

step "setup"
bash test/e2e/setup.sh

step "build + package the extension, bundle the extension-host suite"
npm run --silent package >"$E2E/logs/package.log" 2>&1 || { tail -30 "$E2E/logs/package.log"; exit 1; }
node test/e2e/build-suite.mjs

rm -rf "$E2E/profiles" "$E2E/shots"; mkdir -p "$E2E/shots"
RESULT_EXT="$E2E/logs/ext-host-result.txt" RESULT_UI="$E2E/logs/ui-result.txt"
rm -f "$RESULT_EXT" "$RESULT_UI"
EXT_RC=0 UI_RC=0
export CM2INTUNE_E2E_RESULT="$RESULT_EXT"   # read by the suite inside the extension host (inherits the server env)
export E2E_EXT_FILES="${E2E_EXT_FILES:-}"   # likewise

if [[ " ${E2E_SUITES:-ext-host ui} " == *" ext-host "* ]]; then
step "extension-host suite (mocha in code-server's extension host)"
fresh_workspace "$E2E/ws/ext-host"
FAILED_LOGS+=("$E2E/logs/ext-host.log")
# enable-smoke-test-driver lets the workbench honour extensionTestsPath (it also hides toasts: this server only)
start_server ext-host "$E2E/profiles/ext-host" "$E2E/profiles/ext-host-exts" \
  --vscode-option enable-smoke-test-driver
tsx test/e2e/ext-host.ts --url "$URL" --ext "$PWD" --tests "$PWD/out/e2e/suite/index.js" \
  --workspace "$E2E/ws/ext-host" --log "$E2E/logs/ext-host.log" --shot "$E2E/shots/00-ext-host-suite.png" || EXT_RC=$?
stop_servers; keep_vscode_logs ext-host "$E2E/profiles/ext-host"
grep -E '^(ok|not ok) - ' "$RESULT_EXT" 2>/dev/null | sed 's/^/   /' || echo "   no result file: the suite did not run (see $E2E/logs/ext-host.log)"
else echo "== e2e: extension-host suite not selected (E2E_SUITES)"; echo "0 passed, 0 failed" >"$RESULT_EXT"; fi

if [[ " ${E2E_SUITES:-ext-host ui} " == *" ui "* ]]; then
step "UI suite (installed .vsix, chromium)"
"$CS_NODE" "$CS_ENTRY" --user-data-dir "$E2E/profiles/ui" --extensions-dir "$E2E/profiles/ui-exts" \
  --install-extension dist/cm2intune.vsix >"$E2E/logs/install-vsix.log" 2>&1 || { cat "$E2E/logs/install-vsix.log"; exit 1; }
fresh_workspace "$E2E/ws/ui"
start_server ui "$E2E/profiles/ui" "$E2E/profiles/ui-exts"
tsx test/e2e/ui.ts --url "$URL" --workspace "$E2E/ws/ui" --shots "$E2E/shots" --result "$RESULT_UI" \
  --settings "$E2E/profiles/ui/User/settings.json" || UI_RC=$?
stop_servers; keep_vscode_logs ui "$E2E/profiles/ui"
grep -E '^(ok|not ok) - ' "$RESULT_UI" 2>/dev/null | sed 's/^/   /' || echo "   no result file: the UI suite did not run"
else echo "== e2e: UI suite not selected (E2E_SUITES)"; echo "0 passed, 0 failed" >"$RESULT_UI"; fi

count() { # FILE -> "passed failed" from its last line; a missing file counts as one failure
  if [ -f "$1" ]; then tail -1 "$1" | awk '{print $1, $3}'; else echo "0 1"; fi
}
read -r ep ef < <(count "$RESULT_EXT")
read -r up uf < <(count "$RESULT_UI")
step "done; screenshots in $E2E/shots, logs in $E2E/logs"
PASSED=$(( ep + up )) FAILED=$(( ef + uf ))
[ "$EXT_RC" = 0 ] || [ "$ef" != 0 ] || FAILED=$(( FAILED + 1 ))   # a crashed runner is a failure too
[ "$UI_RC" = 0 ] || [ "$uf" != 0 ] || FAILED=$(( FAILED + 1 ))
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
