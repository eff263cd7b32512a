# Sourced, not run. Fetches Debian packages with `apt-get download` into "$STAGE/debs" so they can be
# unpacked with `dpkg-deb -x` into a private directory: nothing is installed, no maintainer script runs,
# no service is enabled or started, the machine's apt sources are never changed.
# Needs: STAGE (a scratch directory with a debs/ subdirectory).

installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }

# apt-get download needs package lists; fetch them once if this machine has none yet.
download() {
  (cd "$STAGE/debs" && apt-get download -q -o APT::Sandbox::User=root "$@" >/dev/null 2>&1) && return 0
  echo "deb-unpack: apt-get download $* failed; refreshing package lists (apt-get update)" >&2
  apt-get update -qq >&2
  (cd "$STAGE/debs" && apt-get download -q -o APT::Sandbox::User=root "$@" >/dev/null)
}

declare -A seen=()
# Fetch a package and, recursively, the shared-library packages it depends on that this machine lacks.
# `force` fetches it even when installed. Only the first alternative of each (Pre)Depends is followed and
# virtual packages (<name>) are skipped: a program that dlopen()s an optional library (chromium and GTK)
# runs without it.
fetch() {
  local pkg="$1" force="${2:-}"
  [ -n "${seen[$pkg]:-}" ] && return 0
  if [ -z "$force" ] && installed "$pkg"; then return 0; fi
  seen[$pkg]=1
  download "$pkg"
  local dep
  for dep in $(apt-cache depends --important "$pkg" | awk '/^ *(Pre)?Depends: [^<]/ {print $2}'); do
    case "$dep" in
      lib*-dev | libjs-* | libc6 | libgcc-s1 | libstdc++6) ;; # build or browser files; the C/C++ runtimes every Debian has
      lib*) fetch "$dep" ;;
    esac
  done
}
