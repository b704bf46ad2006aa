# Shared by scripts/run, scripts/test and scripts/bench: find Python, build the virtualenvs.
# Everything is installed from the project's own files: pyproject.toml for the project,
# tools/*/requirements.txt (pinned) for tools whose dependencies clash with ours.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VENV="$ROOT/.venv"
TASKS_VENV="$ROOT/.venv-tasks-emulator"
STORAGE_VENV="$ROOT/.venv-storage-emulator"

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    die "Python 3.11 to 3.13 is needed (set PYTHON=/path/to/python3.11)"
}

# ensure_venv runtime|dev: the project's virtualenv with the project installed (editable).
ensure_venv() {
    local extras=$1 spec=".[reports]" digest stamp  # reports: charts of `intake report`
    [ "$extras" = dev ] && spec=".[dev]"
    digest=$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)
    stamp="$VENV/.installed-$extras"
    if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$digest" ]; then
        return 0
    fi
    if [ "$extras" = runtime ] && [ "$(cat "$VENV/.installed-dev" 2>/dev/null)" = "$digest" ]; then
        return 0
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        log "creating $VENV"
        "$(find_python)" -m venv "$VENV" || die "could not create $VENV"
    fi
    log "installing the project ($spec) into $VENV"
    (cd "$ROOT" && "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        --editable "$spec") || die "pip install failed"
    printf '%s\n' "$digest" >"$stamp"
}

# ensure_tool_venv DIR REQUIREMENTS: a virtualenv of its own for a tool, from pinned requirements.
ensure_tool_venv() {
    local venv=$1 requirements=$2 digest
    digest=$(sha256sum "$requirements" | cut -c1-16)
    if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.installed" 2>/dev/null)" = "$digest" ]; then
        return 0
    fi
    [ -x "$venv/bin/python" ] || "$(find_python)" -m venv "$venv" || die "could not create $venv"
    log "installing $(basename "$(dirname "$requirements")") into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        --requirement "$requirements" || die "pip install of $requirements failed"
    printf '%s\n' "$digest" >"$venv/.installed"
}

free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() {  # wait_for SECONDS COMMAND...: retry COMMAND until it succeeds
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.2
    done
}

# --- Deployment ---------------------------------------------------------------------------
# checkov gets a virtualenv of its own (pinned in tools/checkov/requirements.txt): in ours it
# would downgrade boto3 and replace python-hcl2's hcl2 module with its fork.
CHECKOV_VENV="$ROOT/.venv-checkov"

# run_checkov: scan infra/ (Terraform) and fail on any failed check; skips need inline reasons.
run_checkov() {
    ensure_tool_venv "$CHECKOV_VENV" "$ROOT/tools/checkov/requirements.txt" || return 1
    "$CHECKOV_VENV/bin/checkov" --directory "$ROOT/infra" --framework terraform \
        --quiet --compact --skip-download
}
