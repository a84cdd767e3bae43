#!/usr/bin/env bash
# Measures how trustsim scales with workers on a many-core Linux machine
# that has no Go toolchain and no network, using only the binaries that
# deploy/scaling/build.sh put in deploy/scaling/bin/ and files of the
# repository. Needs bash 4 and coreutils; reads peak memory from /proc.
#
# usage: deploy/scaling/run.sh OUTDIR
#
# Writes OUTDIR/summary.md (markdown tables), OUTDIR/progress.log (the
# lines it prints) and OUTDIR/logs/ (every command's output), in this
# order, each section as soon as it is done:
#   a) batch scaling: trustsim run investment-vs-turnover at each worker
#      count, twice; wall time, peak RSS, speed-up and efficiency against
#      1 worker; outputs compared across worker counts
#   b) BenchmarkExecute of batch at each worker count (runs/s)
#   c) BenchmarkParallelStep of sim at each worker count (one step of one
#      run of about 10k and 100k people)
#   d) the one big run: deploy/scaling/million.toml (about 1,000,000
#      people, 52 weeks) with the most workers and with 1; wall time, time
#      to the end of the run (before the output files are written), peak
#      RSS, outputs compared
#   e) BenchmarkParallelStep at 1,000,000 people with 1, 4 and the most
#      workers (5 steps after 26 weeks of warm-up; about 4 minutes on 16
#      cores), if the time spent so far is under SCALING_BUDGET_S
#   f) the machine's ceiling: K copies of BenchmarkExecute of batch with
#      one worker each, all at once in separate processes, for K = each
#      worker count; total runs/s against one copy alone
#
# Environment:
#   SCALING_WORKERS   worker counts (default "1 2 4 8 16"; the first must
#                     be 1)
#   SCALING_BUDGET_S  skip e) once this many seconds have passed (300)
#   SCALING_BIG       the scenario and flags of d), split at spaces
#                     (default "deploy/scaling/million.toml")
#   SCALING_BATCH     more flags for a), split at spaces (for example
#                     "--replicates 30" for 1,050 runs instead of 350)
#   SCALING_STEPS     the steps to run (default "a b c d e f")
#   SCALING_QUICK=1   a short rehearsal of every step: workers "1 2",
#                     shortened investment-vs-turnover, one iteration per
#                     benchmark, bench-city (4 weeks) instead of the
#                     million-person run, and e) at the default sizes
set -uo pipefail

usage() {
	echo "usage: deploy/scaling/run.sh OUTDIR" >&2
	exit 2
}
[[ $# -eq 1 && -n $1 ]] || usage

mkdir -p "$1" || exit 1
out=$(cd "$1" && pwd) || exit 1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$here/bin
cd "$root" || exit 1

quick=${SCALING_QUICK:-}
[[ $quick == 0 ]] && quick=
budget=${SCALING_BUDGET_S:-300}
if [[ -n $quick ]]; then
	workers=(${SCALING_WORKERS:-1 2})
	batch_args=(--set horizon=26)
	bench_iters=1x
	step_iters=1x
	big=(bench-city --set horizon=4)
else
	workers=(${SCALING_WORKERS:-1 2 4 8 16})
	batch_args=()
	bench_iters=3x
	step_iters=5x
	big=(deploy/scaling/million.toml)
fi
[[ -n ${SCALING_BIG:-} ]] && big=($SCALING_BIG)
[[ -n ${SCALING_BATCH:-} ]] && batch_args+=($SCALING_BATCH)
steps=" ${SCALING_STEPS:-a b c d e f} "
big_name=${big[*]}
if [[ ${workers[0]} != 1 ]]; then
	echo "run.sh: SCALING_WORKERS must start with 1 (the baseline), got ${workers[*]}" >&2
	exit 2
fi
most=${workers[${#workers[@]} - 1]}
cpus=$(
	IFS=,
	echo "${workers[*]}"
)
csvs=(runs.csv timeseries.csv aggregate.csv)

logs=$out/logs
summary=$out/summary.md
mkdir -p "$logs" || exit 1
: >"$out/progress.log"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/trustsim-scaling.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

t0=$(date +%s%N)
failures=0

# now_ms prints the milliseconds since the script started.
now_ms() { echo $((($(date +%s%N) - t0) / 1000000)); }

# say prints a progress line (and keeps it in progress.log).
say() {
	local ms
	ms=$(now_ms)
	printf '[%3d:%02d] %s\n' $((ms / 60000)) $((ms / 1000 % 60)) "$*" | tee -a "$out/progress.log"
}

# fail reports a failed step and counts it.
fail() {
	say "FAILED: $*"
	printf '\n**FAILED:** %s\n' "$*" >>"$summary"
	failures=$((failures + 1))
}

# fixed prints the integer v/10^d with d decimals (v ≥ 0).
fixed() {
	local v=$1 d=$2 p=1 i
	for ((i = 0; i < d; i++)); do p=$((p * 10)); done
	if ((d == 0)); then
		printf '%d' "$v"
	else
		printf "%d.%0${d}d" $((v / p)) $((v % p))
	fi
}

# milli prints a decimal number (as Go's benchmarks print them: digits, an
# optional fraction, no exponent) times 1000, rounded down.
milli() {
	local x=$1 int frac
	int=${x%%.*}
	frac=
	[[ $x == *.* ]] && frac=${x#*.}
	frac=${frac}000
	frac=${frac:0:3}
	echo $((10#${int:-0} * 1000 + 10#$frac))
}

# sample_rss PID LOG START prints, once PID has exited, its peak resident
# memory in KiB (VmHWM, sampled every 0.1 s) and the milliseconds from
# START (date +%s%N) until LOG first held "(100%)", or "-".
sample_rss() {
	local pid=$1 log=$2 start=$3 hwm=0 done=- status text
	while kill -0 "$pid" 2>/dev/null; do
		if { status=$(<"/proc/$pid/status"); } 2>/dev/null && [[ $status =~ VmHWM:[[:space:]]*([0-9]+) ]]; then
			((BASH_REMATCH[1] > hwm)) && hwm=${BASH_REMATCH[1]}
		fi
		if [[ $done == - ]] && { text=$(<"$log"); } 2>/dev/null && [[ $text == *"(100%)"* ]]; then
			done=$((($(date +%s%N) - start) / 1000000))
		fi
		sleep 0.1
	done
	echo "$hwm $done"
}

# measure LOG CMD... runs CMD with its output in LOG and sets RC, WALL_MS,
# PEAK_KB (0 if /proc did not tell) and DONE_MS (see sample_rss).
measure() {
	local log=$1 start end pid spid
	shift
	: >"$log"
	start=$(date +%s%N)
	"$@" >"$log" 2>&1 &
	pid=$!
	sample_rss "$pid" "$log" "$start" >"$tmp/sample" &
	spid=$!
	wait "$pid"
	RC=$?
	end=$(date +%s%N)
	wait "$spid"
	read -r PEAK_KB DONE_MS <"$tmp/sample"
	WALL_MS=$(((end - start) / 1000000))
}

# mb prints KiB as MB with one decimal, or "n/a" for 0.
mb() {
	if (($1 == 0)); then echo n/a; else fixed $(($1 * 1024 / 100000)) 1; fi
}

# hashes DIR prints the SHA-256 of the result tables in DIR.
hashes() {
	local f
	for f in "${csvs[@]}"; do
		sha256sum <"$1/$f" || return 1
	done
}

# same DIR1 DIR2 LABEL checks that two output directories hold the same
# result tables, byte for byte.
same() {
	local a b
	if ! a=$(hashes "$1") || ! b=$(hashes "$2"); then
		fail "$3: result tables missing"
		return 1
	fi
	if [[ $a != "$b" ]]; then
		fail "$3: result tables differ (${csvs[*]})"
		return 1
	fi
	return 0
}

# bench_table LOG UNIT HIGHER compares the benchmarks in LOG by their UNIT
# metric against the same benchmark at -cpu 1 (HIGHER=1: larger is
# better, as runs/s; 0: smaller is better, as ms/step) and appends a
# table: benchmark, cpus, the metric, peak-MB if reported, speed-up and
# efficiency.
bench_table() {
	local log=$1 unit=$2 higher=$3 name cpu val peak i base s e
	local -a f
	local -A base1=()
	{
		echo
		echo "| benchmark | workers (-cpu) | $unit | peak-MB | speed-up | efficiency |"
		echo "|---|---|---|---|---|---|"
	} >>"$summary"
	while read -r -a f; do
		[[ ${f[0]:-} == Benchmark* ]] || continue
		name=${f[0]}
		cpu=1
		if [[ $name =~ ^(.*)-([0-9]+)$ ]]; then
			name=${BASH_REMATCH[1]}
			cpu=${BASH_REMATCH[2]}
		fi
		val= peak=
		for ((i = 3; i < ${#f[@]}; i++)); do
			[[ ${f[i]} == "$unit" ]] && val=${f[i - 1]}
			[[ ${f[i]} == peak-MB ]] && peak=${f[i - 1]}
		done
		[[ -n $val ]] || continue
		s=- e=-
		if ((cpu == 1)); then
			base1[$name]=$(milli "$val")
		fi
		base=${base1[$name]:-}
		if [[ -n $base ]] && (($(milli "$val") > 0 && base > 0)); then
			if ((higher)); then
				s=$(($(milli "$val") * 100 / base))
			else
				s=$((base * 100 / $(milli "$val")))
			fi
			e="$(fixed $((s * 10 / cpu)) 1)%"
			s=$(fixed "$s" 2)
		fi
		echo "| ${name#Benchmark} | $cpu | $val | ${peak:--} | $s | $e |" >>"$summary"
	done <"$log"
}

# step X tells whether step X is to run (SCALING_STEPS).
step() { [[ $steps == *" $1 "* ]]; }

# --- machine ---------------------------------------------------------------

for b in trustsim sim.test batch.test; do
	if [[ ! -x $bin/$b ]]; then
		echo "run.sh: $bin/$b missing: run deploy/scaling/build.sh first (on a machine with Go)" >&2
		exit 1
	fi
done
if ! version=$("$bin/trustsim" version 2>&1); then
	echo "run.sh: $bin/trustsim does not run here: $version" >&2
	exit 1
fi
model=unknown
while IFS=: read -r k v; do
	if [[ $k == "model name"* ]]; then
		model=${v# }
		break
	fi
done </proc/cpuinfo
# Physical cores: distinct (physical id, core id) pairs. Two hardware
# threads of one core share its execution units, so on a machine with
# fewer cores than CPUs the efficiency at the most workers is bounded by
# cores, not CPUs (docs/PERFORMANCE.md, "Batches").
declare -A cores=()
phys=0
while IFS=: read -r k v; do
	case $k in
	"physical id"*) phys=${v# } ;;
	"core id"*) cores["$phys/${v# }"]=1 ;;
	esac
done </proc/cpuinfo
ncores=${#cores[@]}
((ncores > 0)) || ncores=unknown
mem=unknown
while read -r k v _; do
	if [[ $k == MemTotal: ]]; then
		mem="$(fixed $((v * 10 / 1048576)) 1) GiB"
		break
	fi
done </proc/meminfo
{
	echo "# trustsim scaling$([[ -n $quick ]] && echo ' (SCALING_QUICK rehearsal: not figures to report)')"
	echo
	echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "- machine: $(uname -srm), $(nproc) CPUs available ($(nproc --all) online) on $ncores physical cores, $model, $mem"
	echo "- trustsim: $version"
	while IFS= read -r l; do echo "- $l"; done <"$bin/BUILD"
	echo "- peak RSS: VmHWM from /proc/PID/status, sampled every 0.1 s"
	echo "- logs: logs/ beside this file"
} >"$summary"
say "machine: $(nproc) CPUs, $ncores physical cores, $model, $mem; workers ${workers[*]}; output in $out"
if (($(nproc) < most)); then
	say "note: only $(nproc) CPUs for up to $most workers"
fi

# --- a) batch scaling --------------------------------------------------------

if step a; then
	say "a) batch: trustsim run investment-vs-turnover ${batch_args[*]}${batch_args[*]:+ }at workers ${workers[*]}, twice each"
	{
		echo
		echo "## a) Batch: runs at once"
		echo
		echo '```'
		echo "bin/trustsim run investment-vs-turnover ${batch_args[*]}${batch_args[*]:+ }--workers N --quiet --out DIR"
		echo '```'
		echo
		echo "Speed-up and efficiency from the better of the two wall times."
		echo
		echo "| workers | wall 1 (s) | wall 2 (s) | peak RSS (MB) | speed-up | efficiency |"
		echo "|---|---|---|---|---|---|"
	} >>"$summary"
	best1=0
	ok=1
	for n in "${workers[@]}"; do
		walls=() peak=0 best=0
		for rep in 1 2; do
			dir=$tmp/batch-w$n-$rep
			measure "$logs/batch-w$n-$rep.log" "$bin/trustsim" run investment-vs-turnover "${batch_args[@]}" --workers "$n" --quiet --out "$dir"
			if ((RC != 0)); then
				fail "a) workers=$n run $rep exited with $RC (logs/batch-w$n-$rep.log)"
				ok=0
				continue
			fi
			say "a) workers=$n run $rep: $(fixed "$WALL_MS" 3) s, peak RSS $(mb "$PEAK_KB") MB"
			walls+=("$(fixed "$WALL_MS" 3)")
			((PEAK_KB > peak)) && peak=$PEAK_KB
			((best == 0 || WALL_MS < best)) && best=$WALL_MS
			if ((rep == 2)); then
				rm -rf "$dir"
			elif ((n != 1)) && [[ -d $tmp/batch-w1-1 ]]; then
				same "$tmp/batch-w1-1" "$dir" "a) workers=$n against workers=1" || ok=0
			fi
		done
		((n == 1)) && best1=$best
		s=- e=-
		if ((best > 0 && best1 > 0)); then
			s=$((best1 * 100 / best))
			e="$(fixed $((s * 10 / n)) 1)%"
			s=$(fixed "$s" 2)
		fi
		echo "| $n | ${walls[0]:--} | ${walls[1]:--} | $(mb "$peak") | $s | $e |" >>"$summary"
	done
	if ((ok)); then
		echo -e "\nOutputs: ${csvs[*]} identical, byte for byte, at every worker count." >>"$summary"
		say "a) outputs identical at every worker count"
	fi
	rm -rf "$tmp"/batch-w*
fi

# --- b) batch benchmark -------------------------------------------------------

if step b; then
	say "b) batch.test -test.bench Execute -test.cpu $cpus -test.benchtime $bench_iters"
	{
		echo
		echo "## b) BenchmarkExecute (48 runs of two years per worker, workers = -cpu)"
		echo
		echo '```'
		echo "bin/batch.test -test.run '^\$' -test.bench Execute -test.cpu $cpus -test.benchtime $bench_iters"
		echo '```'
	} >>"$summary"
	if (cd "$tmp" && "$bin/batch.test" -test.run '^$' -test.bench Execute -test.cpu "$cpus" -test.benchtime "$bench_iters") >"$logs/batch-bench.log" 2>&1; then
		bench_table "$logs/batch-bench.log" runs/s 1
		say "b) done"
	else
		fail "b) batch.test failed (logs/batch-bench.log)"
	fi
fi

# --- c) parallel step benchmark ----------------------------------------------

if step c; then
	say "c) sim.test -test.bench ParallelStep -test.cpu $cpus -test.benchtime $step_iters"
	{
		echo
		echo "## c) BenchmarkParallelStep (one step of one run, workers inside the run = -cpu)"
		echo
		echo '```'
		echo "bin/sim.test -test.run '^\$' -test.bench ParallelStep -test.cpu $cpus -test.benchtime $step_iters"
		echo '```'
	} >>"$summary"
	if (cd "$tmp" && env -u TRUSTSIM_BENCH_1M "$bin/sim.test" -test.run '^$' -test.bench ParallelStep -test.cpu "$cpus" -test.benchtime "$step_iters") >"$logs/step-bench.log" 2>&1; then
		bench_table "$logs/step-bench.log" ms/step 0
		say "c) done"
	else
		fail "c) sim.test failed (logs/step-bench.log)"
	fi
fi

# --- d) the one big run ---------------------------------------------------------

if step d; then
	say "d) one big run: $big_name with --workers $most, then --workers 1"
	{
		echo
		echo "## d) One big run: $big_name"
		echo
		echo '```'
		echo "bin/trustsim run ${big[*]} --workers N --out DIR"
		echo '```'
		echo
		echo "'run done' is when trustsim reported the run finished (its 100% progress"
		echo "line), before it wrote the output files, plots and report."
		echo
		echo "| workers | wall (s) | run done (s) | writing outputs (s) | peak RSS (MB) | speed-up: wall | speed-up: run |"
		echo "|---|---|---|---|---|---|---|"
	} >>"$summary"
	if ! "$bin/trustsim" validate "${big[0]}" >"$logs/big-validate.log" 2>&1; then
		fail "d) $big_name does not validate (logs/big-validate.log)"
	else
		ok=1
		declare -A big_wall=() big_done=() big_peak=()
		for n in "$most" 1; do
			dir=$tmp/big-w$n
			measure "$logs/big-w$n.log" "$bin/trustsim" run "${big[@]}" --workers "$n" --out "$dir"
			if ((RC != 0)); then
				fail "d) workers=$n exited with $RC (logs/big-w$n.log)"
				ok=0
				continue
			fi
			big_wall[$n]=$WALL_MS big_done[$n]=$DONE_MS big_peak[$n]=$PEAK_KB
			say "d) workers=$n: $(fixed "$WALL_MS" 3) s (run done at $DONE_MS ms), peak RSS $(mb "$PEAK_KB") MB"
		done
		for n in 1 "$most"; do
			[[ -n ${big_wall[$n]:-} ]] || continue
			run=- write=- sw=- sr=-
			if [[ ${big_done[$n]} != - ]]; then
				run=$(fixed "${big_done[$n]}" 3)
				write=$(fixed $((big_wall[$n] - big_done[$n])) 3)
			fi
			if ((n != 1)) && [[ -n ${big_wall[1]:-} ]]; then
				sw=$(fixed $((big_wall[1] * 100 / big_wall[$n])) 2)
				if [[ ${big_done[1]} != - && ${big_done[$n]} != - ]] && ((big_done[$n] > 0)); then
					sr=$(fixed $((big_done[1] * 100 / big_done[$n])) 2)
				fi
			fi
			echo "| $n | $(fixed "${big_wall[$n]}" 3) | $run | $write | $(mb "${big_peak[$n]}") | $sw | $sr |" >>"$summary"
		done
		if ((ok)) && same "$tmp/big-w$most" "$tmp/big-w1" "d) workers=$most against workers=1"; then
			echo -e "\nOutputs: ${csvs[*]} identical, byte for byte, with $most workers and with 1." >>"$summary"
			say "d) outputs identical"
		fi
	fi
	rm -rf "$tmp"/big-w*
fi

# --- e) parallel step at a million people ----------------------------------------

if step e; then
	elapsed=$(($(now_ms) / 1000))
	if ((elapsed > budget)); then
		say "e) skipped: ${elapsed} s spent, over SCALING_BUDGET_S=$budget"
		echo -e "\n## e) BenchmarkParallelStep at 1,000,000 people\n\nSkipped: ${elapsed} s spent, over SCALING_BUDGET_S=$budget." >>"$summary"
	else
		e_cpus=1,$most
		((most > 4)) && e_cpus=1,4,$most
		e_env=(env TRUSTSIM_BENCH_1M=1)
		e_show="TRUSTSIM_BENCH_1M=1 "
		e_bench=ParallelStep/people=1004020
		if [[ -n $quick ]]; then
			e_env=(env -u TRUSTSIM_BENCH_1M)
			e_show=
			e_bench=ParallelStep
		fi
		say "e) ${e_show}sim.test -test.bench $e_bench -test.cpu $e_cpus -test.benchtime $step_iters"
		{
			echo
			echo "## e) BenchmarkParallelStep with the 1,000,000-person size$([[ -n $quick ]] && echo ' (SCALING_QUICK: without it)')"
			echo
			echo '```'
			echo "${e_show}bin/sim.test -test.run '^\$' -test.bench $e_bench -test.cpu $e_cpus -test.benchtime $step_iters"
			echo '```'
		} >>"$summary"
		if (cd "$tmp" && "${e_env[@]}" "$bin/sim.test" -test.run '^$' -test.bench "$e_bench" -test.cpu "$e_cpus" -test.benchtime "$step_iters") >"$logs/step-bench-1m.log" 2>&1; then
			bench_table "$logs/step-bench-1m.log" ms/step 0
			say "e) done"
		else
			fail "e) sim.test failed (logs/step-bench-1m.log)"
		fi
	fi
fi

# --- f) independent processes ---------------------------------------------------

if step f; then
	say "f) K copies of batch.test -test.bench Execute -test.cpu 1 at once, K = ${workers[*]}"
	{
		echo
		echo "## f) Independent processes: the machine's ceiling"
		echo
		echo "K copies of the one-worker batch benchmark run at once, each in a"
		echo "process of its own, so they share only the machine: its cores, caches,"
		echo "memory and clock. Their total against one copy alone bounds what K"
		echo "workers of one batch (step a) can reach."
		echo
		echo '```'
		echo "bin/batch.test -test.run '^\$' -test.bench Execute -test.cpu 1 -test.benchtime $bench_iters   # K copies at once"
		echo '```'
		echo
		echo "| copies | runs/s per copy (mean) | slowest copy | total runs/s | speed-up | efficiency |"
		echo "|---|---|---|---|---|---|"
	} >>"$summary"
	single=0
	for k in "${workers[@]}"; do
		pids=()
		for ((c = 1; c <= k; c++)); do
			(cd "$tmp" && "$bin/batch.test" -test.run '^$' -test.bench Execute -test.cpu 1 -test.benchtime "$bench_iters") >"$logs/copies-$k-$c.log" 2>&1 &
			pids+=($!)
		done
		ok=1
		for p in "${pids[@]}"; do
			wait "$p" || ok=0
		done
		total=0 slow=0
		for ((c = 1; c <= k && ok; c++)); do
			val=
			while read -r -a f; do
				[[ ${f[0]:-} == BenchmarkExecute ]] || continue
				for ((i = 3; i < ${#f[@]}; i++)); do
					[[ ${f[i]} == runs/s ]] && val=${f[i - 1]}
				done
				break
			done <"$logs/copies-$k-$c.log"
			if [[ -z $val ]]; then
				ok=0
				break
			fi
			m=$(milli "$val")
			total=$((total + m))
			((slow == 0 || m < slow)) && slow=$m
		done
		if ((!ok)); then
			fail "f) $k copies: a copy failed or printed no runs/s (logs/copies-$k-*.log)"
			continue
		fi
		((k == 1)) && single=$total
		s=- e=-
		if ((single > 0)); then
			s=$((total * 100 / single))
			e="$(fixed $((s * 10 / k)) 1)%"
			s=$(fixed "$s" 2)
		fi
		echo "| $k | $(fixed $((total / k)) 3) | $(fixed "$slow" 3) | $(fixed "$total" 3) | $s | $e |" >>"$summary"
		say "f) $k copies: $(fixed "$total" 3) runs/s in all"
	done
fi

# --- raw benchmark lines ------------------------------------------------------------

{
	echo
	echo "## Raw benchmark output"
	for l in batch-bench step-bench step-bench-1m; do
		[[ -f $logs/$l.log ]] || continue
		echo
		echo "logs/$l.log:"
		echo
		echo '```'
		cat "$logs/$l.log"
		echo '```'
	done
} >>"$summary"

total=$(now_ms)
echo -e "\nTotal time of run.sh: $(fixed "$total" 3) s; $failures failure(s)." >>"$summary"
say "finished in $(fixed "$total" 3) s with $failures failure(s); summary in $summary"
((failures == 0))
