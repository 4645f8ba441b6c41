# Shared by the scripts in .ci/: make sure what the tests need is there and running.

# Starts the local PostgreSQL cluster if nothing answers on 127.0.0.1:5432.
ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    return
  fi
  echo "PostgreSQL is not running; starting the local cluster" >&2
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && return
    sleep 1
  done
  echo "PostgreSQL did not come up" >&2
  exit 1
}

ensure_nextest() {
  cargo nextest --version >/dev/null 2>&1 || cargo install --locked cargo-nextest
}
