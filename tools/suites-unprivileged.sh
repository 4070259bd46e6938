#!/usr/bin/env bash
# Every suite once more as an ordinary user: uid/gid 65534, no supplementary
# groups, no capabilities. `go test` would build into a 0700 directory that
# user cannot reach, so the suite binaries are compiled (go test -c) into a
# world-readable directory and run from a working directory (also TMPDIR)
# that the user owns. Runs every suite, then exits 1 if any failed.
#   usage: tools/suites-unprivileged.sh GO SUITE_DIR...
set -uo pipefail

GO=$1
shift
UNPRIV_UID=65534
UNPRIV_GID=65534

if [ "$(id -u)" -ne 0 ]; then
	echo "suites-unprivileged: already running as uid $(id -u); \`make suites\` ran them unprivileged"
	exit 0
fi
if ! command -v setpriv >/dev/null; then
	echo "setpriv not found: installing util-linux"
	apt-get install -y util-linux || { echo "setpriv not found: apt-get install -y util-linux" >&2; exit 3; }
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/pidfdconf-unpriv.XXXXXX") || exit 3
trap 'rm -rf "$dir"' EXIT
chmod 0755 "$dir"
mkdir "$dir/work"
chown "$UNPRIV_UID:$UNPRIV_GID" "$dir/work"

failed=()
# The helpers start from the role binaries `make role-binary` built, as in
# `make suites`, copied where uid 65534 may run them.
for var in PIDFDCONF_ROLE_BINARY PIDFDCONF_ROLE_C_BINARY; do
	bin=${!var:-}
	if [ -n "$bin" ] && install -m 0755 "$bin" "$dir/$(basename "$bin")"; then
		export "$var=$dir/$(basename "$bin")"
	else
		failed+=("$var (${bin:-unset}: run make role-binary)")
		unset "$var"
	fi
done
for suite in "$@"; do
	name=$(basename "$suite")
	if ! "$GO" test -c -o "$dir/$name.test" "./$suite"; then
		failed+=("$name (build)")
		continue
	fi
	chmod 0755 "$dir/$name.test"
	echo "== $name as uid $UNPRIV_UID"
	if ! (cd "$dir/work" && setpriv --reuid=$UNPRIV_UID --regid=$UNPRIV_GID --clear-groups \
		env TMPDIR="$dir/work" HOME="$dir/work" "$dir/$name.test" -test.count=1 -ginkgo.no-color); then
		failed+=("$name")
	fi
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "suites-unprivileged: FAIL: ${failed[*]}" >&2
	exit 1
fi
echo "suites-unprivileged: every suite passed as uid $UNPRIV_UID"
