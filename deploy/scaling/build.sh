#!/usr/bin/env bash
# Builds what deploy/scaling/run.sh needs into deploy/scaling/bin/ (git
# ignored), on a machine with Go, for a machine without: static binaries
# (CGO_ENABLED=0) of trustsim and of the sim and batch test binaries, whose
# benchmarks run.sh runs.
#
# usage: deploy/scaling/build.sh
# GOOS and GOARCH may be set for another target (default: linux, this
# machine's architecture).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$here/bin
cd "$root"

export CGO_ENABLED=0
export GOOS=${GOOS:-linux}
export GOARCH=${GOARCH:-$(go env GOARCH)}

rm -rf "$bin"
mkdir -p "$bin"
echo "build.sh: building for $GOOS/$GOARCH into $bin"
go build -trimpath -o "$bin/trustsim" ./cmd/trustsim
go test -c -trimpath -o "$bin/sim.test" ./sim
go test -c -trimpath -o "$bin/batch.test" ./batch
{
	echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) for $GOOS/$GOARCH with $(go version)"
	if commit=$(git rev-parse HEAD 2>/dev/null); then
		git diff --quiet HEAD -- || commit="$commit (working tree modified)"
		echo "commit $commit"
	else
		echo "commit unknown (not a git checkout)"
	fi
} >"$bin/BUILD"
cat "$bin/BUILD"
ls -l "$bin"
