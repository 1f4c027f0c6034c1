#!/usr/bin/env bash
# The single entry point of ReSTEM.Actors.
#   ./run.sh               the default experiment (= run --config hocon/default.conf)
#   ./run.sh test          the whole test suite; the last line is the test runner's summary
#   ./run.sh <command> ... any `restem` command (run, resume, grade, eval, export, report, pretrain, worker)
# Every call first makes the machine ready (idempotent; one line says what it installed),
# builds, and then execs the `restem` executable so signals reach the service itself.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
root=$(pwd)

installed=()
notes=()

have_root() { [ "$(id -u)" -eq 0 ]; }

apt_install() {
  # $1: suite ("" for the default one); rest: packages
  local suite=$1; shift
  if ! have_root; then
    notes+=("not root: cannot install $* (run ./run.sh once as root)")
    return 0
  fi
  local log=/tmp/restem-setup-apt.log
  if [ -z "${apt_updated:-}" ]; then
    apt-get update -qq >"$log" 2>&1 || { cat "$log" >&2; echo "run.sh: apt-get update failed" >&2; exit 1; }
    apt_updated=1
  fi
  local args=(-y -qq)
  [ -z "$suite" ] || args+=(-t "$suite")
  if ! DEBIAN_FRONTEND=noninteractive apt-get install "${args[@]}" "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "run.sh: could not install $*" >&2
    exit 1
  fi
  installed+=("$*${suite:+ ($suite)}")
}

libstdcxx_ok() {
  local lib
  lib=$(ldconfig -p | awk '/libstdc\+\+\.so\.6 /{print $NF; exit}')
  [ -n "$lib" ] && grep -qa GLIBCXX_3.4.32 "$lib"
}

setup_libstdcxx() {
  # TorchSharp's native library needs GLIBCXX_3.4.32 (GCC 13+); Debian 12 stops at 3.4.30.
  libstdcxx_ok && return 0
  if ! have_root; then
    notes+=("libstdc++ lacks GLIBCXX_3.4.32 and this is not root: TorchSharp will not load")
    return 0
  fi
  if [ -f /etc/debian_version ] && grep -q '^12' /etc/debian_version; then
    if [ ! -f /etc/apt/sources.list.d/trixie.list ]; then
      local uri
      uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
      [ -n "$uri" ] || uri=http://deb.debian.org/debian
      echo "deb $uri trixie main" > /etc/apt/sources.list.d/trixie.list
      printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' > /etc/apt/preferences.d/trixie
      apt_updated=
    fi
    apt_install trixie libstdc++6
  else
    notes+=("libstdc++ lacks GLIBCXX_3.4.32: install GCC 13+ runtime libraries")
  fi
}

setup_packages() {
  local missing=()
  [ -x /usr/bin/python3 ] || missing+=(python3)
  command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
  [ ${#missing[@]} -eq 0 ] || apt_install "" "${missing[@]}"
}

setup_sandbox_users() {
  # One dedicated non-root uid per sandbox slot: a root process inside the sandbox keeps
  # capabilities, so untrusted programs never run as root.
  have_root || return 0
  local n created=0 i
  n=$(nproc)
  [ "$n" -ge 16 ] || n=16
  for ((i = 0; i < n; i++)); do
    if ! id "restem-sb$i" >/dev/null 2>&1; then
      useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
        --uid $((61000 + i)) --user-group "restem-sb$i" 2>/dev/null \
        || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
             --user-group "restem-sb$i"
      created=$((created + 1))
    fi
  done
  [ "$created" -eq 0 ] || installed+=("$created sandbox users")
}

setup_reference_js() {
  # The tokenizer and chat-template parity tests compare against Hugging Face's JavaScript
  # implementations and Qwen3's real tokenizer files, installed from the npm lock file. npm ci
  # runs only when node_modules is missing or the lock file changed since the last install.
  local dir="$root/tests/reference-js" stamp sum log=/tmp/restem-setup-npm.log
  stamp="$dir/node_modules/.restem-lock.sha256"
  sum=$(sha256sum "$dir/package-lock.json" | awk '{print $1}')
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && return 0
  if ! command -v npm >/dev/null 2>&1; then
    if have_root; then apt_install "" nodejs npm; else
      notes+=("npm not found: the tokenizer and chat parity tests will fail (install Node.js 18+ and npm)")
      return 0
    fi
  fi
  if (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts) >"$log" 2>&1; then
    echo "$sum" > "$stamp"
    installed+=("tests/reference-js (npm ci)")
  else
    notes+=("npm ci in tests/reference-js failed (see $log): the tokenizer and chat parity tests will fail")
  fi
}

build() {
  if ! dotnet build "$root/ReSTEM.Actors.sln" -c Release -nologo -v q -clp:ErrorsOnly >"$root/.build.log" 2>&1; then
    cat "$root/.build.log" >&2
    echo "run.sh: build failed (log above)" >&2
    exit 1
  fi
}

setup_libstdcxx
setup_packages
setup_sandbox_users
[ "${1:-}" != "test" ] || setup_reference_js
summary="set-up: "
if [ ${#installed[@]} -eq 0 ]; then summary+="nothing to install"; else summary+="installed"; sep=" "; for i in "${installed[@]}"; do summary+="$sep$i"; sep=", "; done; fi
for n in "${notes[@]}"; do summary+="; $n"; done
echo "$summary" >&2

build

if [ "${1:-}" = "test" ]; then
  shift
  exec dotnet test "$root/ReSTEM.Actors.sln" -c Release --no-build -nologo "$@"
fi

if [ $# -eq 0 ]; then
  set -- run --config hocon/default.conf
fi
exec "$root/src/ReSTEM.Host/bin/Release/net10.0/restem" "$@"
