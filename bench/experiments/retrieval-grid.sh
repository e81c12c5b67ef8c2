#!/usr/bin/env bash
# Runs the retrieval quality grid of docs/protocols.md#retrieval-datasets one job at a time and writes one
# `mirec train --report` JSON per (dataset, model, seed) into OUT (skips reports that exist, so an
# interrupted grid resumes). Summarise with: node --import tsx bench/experiments/summarize-runs.ts OUT/beauty-*.json
# Usage: bench/experiments/retrieval-grid.sh DATA_DIR beauty|movielens|beauty-loo|movielens-loo OUT_DIR "1 2 3" ["most-popular youtube-dnn ..."]
# DATA_DIR holds amazon-beauty/Beauty.txt.gz and ml-latest-small/ratings.csv.gz.
# (variants: comirec-dr-glorot = --modelConfig '{"mapInit":"glorot"}', comirec-dr-lr1e-3 = --lr 0.001,
#  comirec-dr-perinterest = --modelConfig '{"maps":"perInterest"}')
set -euo pipefail
if [[ $# -lt 3 ]]; then
  echo "usage: $0 DATA_DIR beauty|movielens|beauty-loo|movielens-loo OUT_DIR [\"1 2 3\"] [\"model ...\"]" >&2; exit 2
fi
root=$(cd "$1" && pwd) out=$(mkdir -p "$3" && cd "$3" && pwd)   # absolute: the script runs from the repository root
dataset=$2 seeds=${4:-"1 2 3"} protocol=()
models=${5:-"most-popular youtube-dnn mind comirec-sa comirec-dr sine"}
cd "$(dirname "$0")/../.."
case $dataset in
  beauty) data=$root/amazon-beauty/Beauty.txt.gz; seqLen=20 ;;
  movielens) data=$root/ml-latest-small/ratings.csv.gz; seqLen=50 ;;
  movielens-loo) data=$root/ml-latest-small/ratings.csv.gz; seqLen=50; protocol=(--protocol loo) ;;
  beauty-loo) data=$root/amazon-beauty/Beauty.txt.gz; seqLen=20; protocol=(--protocol loo) ;;
  *) echo "unknown dataset $dataset (beauty | movielens | beauty-loo | movielens-loo)"; exit 2 ;;
esac
mkdir -p "$out"
for seed in $seeds; do
  for model in $models; do
    extra=() tag=$model
    # Variants: a model name with a suffix runs that model with one documented switch.
    case $model in
      comirec-dr-lr1e-3) model=comirec-dr extra=(--lr 0.001) ;;
      comirec-dr-glorot) model=comirec-dr extra=(--modelConfig '{"mapInit":"glorot"}') ;;
      comirec-dr-perinterest) model=comirec-dr extra=(--modelConfig '{"maps":"perInterest"}') ;;
    esac
    report="$out/$dataset-$tag-$seed.json"
    [[ -s $report ]] && continue
    echo "$(date -u +%H:%M:%S) $dataset $tag seed $seed"
    node --import tsx src/cli/bin.ts train --model "$model" --data "$data" --seqLen "$seqLen" \
      --dim 64 --interests 4 --batch 128 --seed "$seed" "${protocol[@]}" "${extra[@]}" --report "$report.tmp" \
      > "$out/$dataset-$tag-$seed.log" 2>&1 && mv "$report.tmp" "$report"
  done
done
