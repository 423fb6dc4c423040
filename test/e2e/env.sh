# Shared settings for the real-VS-Code end-to-end harness; sourced by setup.sh and run.sh.
# Every version is pinned: the workbench's DOM and the test-driver switch change between releases.
E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
E2E=${E2E_DIR:-$E2E_ROOT/.e2e}              # git-ignored scratch dir; everything the harness writes lands here
CODE_SERVER_VERSION=4.139.1                  # = VS Code 1.139.1 (engines.vscode ^1.96.0 is satisfied)
CS_NODE_VERSION=24.21.0                      # the Node major that code-server 4.139 requires, from the npm package `node`
CS_NODE_DIR="$E2E/node-$CS_NODE_VERSION"
CS_NODE="$CS_NODE_DIR/node_modules/node/bin/node"
CS_DIR="$E2E/code-server-$CODE_SERVER_VERSION"
CS_ENTRY="$CS_DIR/node_modules/code-server/out/node/entry.js"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

mkdir -p "$E2E/tmp" "$E2E/logs" "$E2E/shots"
# keep code-server's config, sockets and caches out of the home folder and /tmp
export TMPDIR="$E2E/tmp"
export XDG_CONFIG_HOME="$E2E/xdg/config" XDG_DATA_HOME="$E2E/xdg/data" XDG_CACHE_HOME="$E2E/xdg/cache" XDG_RUNTIME_DIR="$E2E/xdg/runtime"
# code-server puts vscode-ipc-<uuid>.sock (53 chars) there; a socket path can't exceed 107 bytes,
# so a clone in a deep folder gets a short runtime dir under /tmp instead.
if [ "${#XDG_RUNTIME_DIR}" -gt 50 ]; then
  mkdir -p "$E2E/xdg"
  [ -f "$E2E/xdg/runtime-path" ] && [ -d "$(cat "$E2E/xdg/runtime-path")" ] || mktemp -d /tmp/cm2intune-e2e.XXXXXX >"$E2E/xdg/runtime-path"
  XDG_RUNTIME_DIR=$(cat "$E2E/xdg/runtime-path")
fi
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export E2E E2E_ROOT CS_NODE CS_ENTRY CHROMIUM
