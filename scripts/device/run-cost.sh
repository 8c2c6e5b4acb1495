#!/usr/bin/env bash
# One device run: what each NVML query costs (nvml-cost.py), then Wattprint's recorder CPU on an idle
# GPU through NVML and through the nvidia-smi stream, 5 s and 65 s runs, all four at once (the difference is the
# per-hour cost without start-up). Needs .devcap/ as run-capture.sh does. Usage: run-cost.sh OUT_DIR
set -u
out=${1:?OUT_DIR}
mkdir -p "$out"
xz -dc .devcap/node.xz > /tmp/node24 && chmod +x /tmp/node24
[ -e node_modules ] || ln -s .devcap/node_modules node_modules
cap=scripts/device/capture-nvidia.py
python3 scripts/device/nvml-cost.py "$out/nvml-cost.json"
for source in auto nvidia-smi; do
  for s in 5 65; do
    python3 $cap --cpu "$out/cpu-$source-$s.json" /tmp/node24 bin/wattprint.js record --source $source --db /tmp/r-$source-$s.db --duration $s > /dev/null 2>&1 &
  done
done
wait
cat "$out"/cpu-*.json
