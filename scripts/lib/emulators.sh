# Start and stop the Firestore emulator (gcloud) and the Cloud Tasks emulator (its own venv).
# Sourced after env.sh. Each starter exports the variable the clients read, or returns 1.

EMULATOR_PIDS=()
EMULATOR_LOGS="${EMULATOR_LOGS:-$ROOT/.emulators}"

start_firestore_emulator() {
    command -v gcloud >/dev/null 2>&1 || { log "gcloud is not installed"; return 1; }
    command -v java >/dev/null 2>&1 || { log "java is not installed (the emulator needs Java 17)"; return 1; }
    local port; port=$(free_port)
    mkdir -p "$EMULATOR_LOGS"
    setsid gcloud emulators firestore start --host-port="127.0.0.1:$port" \
        >"$EMULATOR_LOGS/firestore.log" 2>&1 &
    EMULATOR_PIDS+=($!)
    if ! wait_for 60 curl -sf "http://127.0.0.1:$port/"; then
        log "the Firestore emulator did not start; see $EMULATOR_LOGS/firestore.log"
        return 1
    fi
    export FIRESTORE_EMULATOR_HOST="127.0.0.1:$port"
    log "Firestore emulator on $FIRESTORE_EMULATOR_HOST"
}

start_tasks_emulator() {
    ensure_tool_venv "$TASKS_VENV" "$ROOT/tools/tasks_emulator/requirements.txt" || return 1
    local port; port=$(free_port)
    mkdir -p "$EMULATOR_LOGS"
    setsid "$TASKS_VENV/bin/python" "$ROOT/tools/tasks_emulator/launch.py" --port "$port" \
        >"$EMULATOR_LOGS/cloud-tasks.log" 2>&1 &
    EMULATOR_PIDS+=($!)
    if ! wait_for 30 grep -q "^ready" "$EMULATOR_LOGS/cloud-tasks.log"; then
        log "the Cloud Tasks emulator did not start; see $EMULATOR_LOGS/cloud-tasks.log"
        return 1
    fi
    export CLOUD_TASKS_EMULATOR_HOST="127.0.0.1:$port"
    log "Cloud Tasks emulator on $CLOUD_TASKS_EMULATOR_HOST"
}

start_storage_emulator() {
    ensure_tool_venv "$STORAGE_VENV" "$ROOT/tools/storage_emulator/requirements.txt" || return 1
    local port; port=$(free_port)
    mkdir -p "$EMULATOR_LOGS"
    setsid "$STORAGE_VENV/bin/gcp-storage-emulator" start --host 127.0.0.1 --port "$port" \
        --in-memory >"$EMULATOR_LOGS/cloud-storage.log" 2>&1 &
    EMULATOR_PIDS+=($!)
    if ! wait_for 30 curl -s -o /dev/null "http://127.0.0.1:$port/storage/v1/b"; then
        log "the Cloud Storage emulator did not start; see $EMULATOR_LOGS/cloud-storage.log"
        return 1
    fi
    export STORAGE_EMULATOR_HOST="http://127.0.0.1:$port"
    log "Cloud Storage emulator on $STORAGE_EMULATOR_HOST"
}

stop_emulators() {
    local pid
    for pid in "${EMULATOR_PIDS[@]}"; do
        # setsid made each emulator a process group leader: stop the group (gcloud's java too).
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    local tries
    for pid in "${EMULATOR_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
        # The group outlives its leader while gcloud's Java shuts down: up to 10 s more.
        tries=50
        while kill -0 -- "-$pid" 2>/dev/null && [ $tries -gt 0 ]; do
            sleep 0.2
            tries=$((tries - 1))
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    EMULATOR_PIDS=()
}
