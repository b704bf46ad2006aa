# Debian chromium and axe-core for the browser tests, installed from the project's
# own files: apt-get for chromium, `npm ci` of tools/axe/package-lock.json for axe-core;
# and Debian's clamd for the scanning tests (apt-get too).
# Sourced after env.sh. Each function returns 1 when it cannot provide its component.

CHROMIUM_BIN="${INTAKE_TEST_CHROMIUM:-/usr/bin/chromium}"
AXE_DIR="$ROOT/tools/axe"

# ensure_debian_packages PACKAGE...: install the packages that are not installed yet.
ensure_debian_packages() {
    local missing=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null 2>&1 || { log "apt-get not found: cannot install ${missing[*]}"; return 1; }
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo -n"
    log "installing ${missing[*]} (apt-get)"
    $sudo apt-get update -qq >/dev/null 2>&1 || { log "apt-get update failed"; return 1; }
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
        "${missing[@]}" >/dev/null || { log "apt-get install ${missing[*]} failed"; return 1; }
}

# Debian's ClamAV daemon for the scanning tests; they start it themselves with a signature
# database they write (no freshclam, no signature download).
ensure_clamd() {
    [ -x /usr/sbin/clamd ] && return 0
    ensure_debian_packages clamav-daemon || return 1
    [ -x /usr/sbin/clamd ] || { log "clamav-daemon installed, but no /usr/sbin/clamd"; return 1; }
}

ensure_chromium() {
    [ -x "$CHROMIUM_BIN" ] && return 0
    ensure_debian_packages chromium || return 1
    [ -x "$CHROMIUM_BIN" ] || { log "chromium installed, but not at $CHROMIUM_BIN"; return 1; }
}

# axe-core: `npm ci` from the committed lock file, again whenever the lock file changes.
ensure_axe() {
    local stamp="$AXE_DIR/node_modules/.installed" digest
    command -v npm >/dev/null 2>&1 || { log "npm is not installed (axe-core comes from npm)"; return 1; }
    digest=$(sha256sum "$AXE_DIR/package-lock.json" | cut -c1-16)
    if [ -f "$AXE_DIR/node_modules/axe-core/axe.min.js" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$digest" ]; then
        return 0
    fi
    log "installing axe-core (npm ci in tools/axe)"
    (cd "$AXE_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { log "npm ci failed"; return 1; }
    printf '%s\n' "$digest" >"$stamp"
}
