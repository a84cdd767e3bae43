#!/bin/bash
# submit.sh: run a trustsim batch on a Slurm cluster. It submits
# deploy/trustsim.sbatch as a job array of SHARDS tasks, one shard each,
# and deploy/merge.sbatch as a job that starts once every task has
# succeeded (--dependency=afterok); if a task fails, Slurm cancels the
# merge job (--kill-on-invalid-dep=yes).
#
#   deploy/submit.sh SHARDS OUT_DIR SCENARIO [trustsim run flags...]
#   deploy/submit.sh 16 /scratch/$USER/sweep my.toml --replicates 1000
#
# Environment (all optional):
#   TRUSTSIM      the trustsim binary the jobs run (default: trustsim on PATH)
#   CPUS          CPUs of each task, its --workers (default: the script's 4)
#   MEM_PER_CPU   memory per CPU of each task, e.g. 2G (default: the script's 1G)
#   TIME          time limit of each task, e.g. 4:00:00 (default: the script's 2 h)
#   PARTITION     the partition of both jobs (default: the cluster's default)
#   WAIT=1        wait for the merge job to end and exit with its status
#
# A failed task can be rerun alone, after which the merge job is queued
# again by hand:
#   sbatch --array=5 deploy/trustsim.sbatch SHARDS OUT_DIR SCENARIO [flags...]
#   sbatch --dependency=afterok:NEW_JOB_ID deploy/merge.sbatch OUT_DIR
set -euo pipefail

if [ $# -lt 3 ]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
shards=$1
out=$2
shift 2
case $shards in
  '' | *[!0-9]* | 0) echo "submit.sh: SHARDS must be a whole number of at least 1, got '$shards'" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

common=()
[ -n "${PARTITION:-}" ] && common+=(--partition="$PARTITION")
task=("${common[@]}")
[ -n "${CPUS:-}" ] && task+=(--cpus-per-task="$CPUS")
[ -n "${MEM_PER_CPU:-}" ] && task+=(--mem-per-cpu="$MEM_PER_CPU")
[ -n "${TIME:-}" ] && task+=(--time="$TIME")

array=$(sbatch --parsable --array=0-$((shards - 1)) "${task[@]}" "$here/trustsim.sbatch" "$shards" "$out" "$@")
array=${array%%;*} # --parsable prints JOBID or JOBID;CLUSTER
echo "submit.sh: job array $array: $shards shard(s) into $out/shards"

merge=(--dependency=afterok:"$array" --kill-on-invalid-dep=yes "${common[@]}")
if [ "${WAIT:-}" = 1 ]; then
  echo "submit.sh: merge job queued after $array; waiting for it"
  exec sbatch --wait "${merge[@]}" "$here/merge.sbatch" "$out"
fi
job=$(sbatch --parsable "${merge[@]}" "$here/merge.sbatch" "$out")
echo "submit.sh: merge job ${job%%;*} starts when every task of $array has succeeded; results in $out"
