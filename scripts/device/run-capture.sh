#!/usr/bin/env bash
# One device run: real NVIDIA traces (capture-nvidia.py) and, where a Node 24 binary travels in
# .devcap/ (node.xz and a node_modules with the CLI's dependencies), Wattprint's own recorder on the
# same GPU at the same time: through NVML (FFI) and through the nvidia-smi stream, each with its CPU.
# Usage: bash scripts/device/run-capture.sh OUT_DIR
# .devcap/ as it was made here (the lent machine has no Node and no registry):
#   mkdir -p .devcap/node_modules/@tgwf .devcap/node_modules/@koromix && echo /.devcap/ >> .git/info/exclude
#   for p in commander zod luxon koffi i18n-iso-countries eventsource-parser diacritics; do cp -r node_modules/$p .devcap/node_modules/; done
#   cp -r node_modules/@tgwf/co2 .devcap/node_modules/@tgwf/ && cp -r node_modules/@koromix/koffi-linux-x64 .devcap/node_modules/@koromix/
#   xz -T2 -6 -c "$(command -v node)" > .devcap/node.xz     # Node 24, x86-64: about 30 MB; the whole tree must stay under 64 MiB
set -u
out=${1:?OUT_DIR}
work=$(mktemp -d)
mkdir -p "$out"
exec > >(tee "$work/run.log") 2>&1
nvidia-smi -L; nvidia-smi --version | head -3; uname -r; date -u
node=
recorders=
if [ -f .devcap/node.xz ]; then
  xz -dc .devcap/node.xz > /tmp/node24 && chmod +x /tmp/node24 && node=/tmp/node24
  [ -e node_modules ] || ln -s .devcap/node_modules node_modules
  $node --version
fi
export WATTPRINT_SYSFS_ROOT=${WATTPRINT_SYSFS_ROOT:-/sys}
cap=scripts/device/capture-nvidia.py
if [ -n "$node" ]; then
  WATTPRINT_DB=$work/probe.db $node bin/wattprint.js probe --json > "$work/probe.json" 2> "$work/probe.err"; echo "probe exit $?"
  python3 $cap --cpu "$work/cpu-nvml-short.json" $node bin/wattprint.js record --db "$work/short.db" --duration 5 > "$work/record-short.log" 2>&1
  python3 $cap --cpu "$work/cpu-nvml.json" $node bin/wattprint.js record --db "$work/wattprint-nvml.db" --duration 122 > "$work/record-nvml.log" 2>&1 &
  recorders="$!"
  python3 $cap --cpu "$work/cpu-smi.json" $node bin/wattprint.js record --source nvidia-smi --db "$work/wattprint-smi.db" --duration 122 > "$work/record-smi.log" 2>&1 &
  recorders="$recorders $!"
fi
PYTHONUNBUFFERED=1 timeout 200 python3 $cap "$work/cap"
# The recorders by pid: a bare `wait` would also wait for the tee above, which never ends.
[ -n "${recorders:-}" ] && wait $recorders
cat "$work"/record-*.log "$work"/cpu-*.json "$work/cap/phases.csv"
for f in smi-stream.csv smi-extra.csv nvml-counter.csv; do [ -f "$work/cap/$f" ] && gzip -c "$work/cap/$f" > "$out/$f.gz"; done
for f in wattprint-nvml.db wattprint-smi.db; do [ -f "$work/$f" ] && cp "$work/$f"* "$out/"; done
tar -C "$work" -czf "$out/meta.tar.gz" --exclude='*.db' --exclude='smi-stream.csv' --exclude='smi-extra.csv' --exclude='nvml-counter.csv' .
ls -la "$out"
