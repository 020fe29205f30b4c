#!/bin/bash
# Submit an rxsim sweep to Slurm as N array tasks (one shard each) and a merge
# job that runs when they have all ended:
#
#   examples/slurm/submit.sh N DIR [rxsim sweep arguments…]
#
# DIR (created if missing; one directory per sweep, on a file system every
# node sees) receives shard-k-of-N.jsonl, the job logs and the merged
# DIR/sweep.jsonl. Prints the array job id and the merge job id.
# RXSIM says how to start rxsim (see sweep-array.sbatch); RXSIM_CPUS_PER_TASK
# (default 2) is each task's --cpus-per-task and its sweep's --workers.
set -euo pipefail

n=${1:?usage: submit.sh N DIR [rxsim sweep arguments…]}
dir=${2:?usage: submit.sh N DIR [rxsim sweep arguments…]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
cpus=${RXSIM_CPUS_PER_TASK:-2}

array=$(sbatch --parsable --array="1-$n" --cpus-per-task="$cpus" --chdir="$dir" \
  "$here/sweep-array.sbatch" "$dir" "$@")
array=${array%%;*} # "id;cluster" on a multi-cluster setup
merge=$(sbatch --parsable --dependency="afterany:$array" --chdir="$dir" \
  "$here/merge.sbatch" "$dir" "$dir/sweep.jsonl")
merge=${merge%%;*}
echo "$array $merge"
