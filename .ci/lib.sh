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

# Versions of the checkers the quality tests run (tests/site/quality.rs).
AXE_CORE_VERSION=4.14.1
VNU_JAR_VERSION=26.9.27

apt_install() {
  if [[ -z ${APT_UPDATED:-} ]]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Headless Chromium with its WebDriver, Java for the HTML validator, and the checkers from npm,
# installed into target/test-tools (ignored by git, rebuilt after `cargo clean`).
ensure_test_tools() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    echo "installing Chromium and ChromeDriver for the browser tests" >&2
    apt_install chromium chromium-driver
  fi
  if ! command -v java >/dev/null; then
    echo "installing Java for the HTML validator" >&2
    apt_install default-jre-headless
  fi
  local tools=target/test-tools
  local stamp="$tools/.installed-axe-$AXE_CORE_VERSION-vnu-$VNU_JAR_VERSION"
  if [[ ! -f $stamp ]]; then
    echo "installing axe-core $AXE_CORE_VERSION and vnu-jar $VNU_JAR_VERSION into $tools" >&2
    mkdir -p "$tools"
    npm install --silent --no-audit --no-fund --prefix "$tools" \
      "axe-core@$AXE_CORE_VERSION" "vnu-jar@$VNU_JAR_VERSION"
    touch "$stamp"
  fi
}
