#!/usr/bin/env python3
"""Records real NVIDIA telemetry through idle -> load -> idle, for Wattprint's fixtures.

Run on a machine with an NVIDIA GPU, nvidia-smi, the NVML Python binding (nvidia-ml-py) and
PyTorch with CUDA:

    python3 scripts/device/capture-nvidia.py OUT_DIR

It writes, while one GPU goes through the phases below (wall-clock boundaries in phases.csv):

  smi-stream.csv    nvidia-smi --query-gpu=<the fields Wattprint's stream asks for> --format=csv -lms 100
                    (the log a user would write, and what `wattprint import nvidia-smi-csv` reads)
  smi-extra.csv     the power fields beside power.draw that this driver knows (power.draw.average,
                    power.draw.instant, ...) and memory clock, every 100 ms
  nvml-counter.csv  NVML every 100 ms: the board's total-energy counter (mJ), power usage (mW),
                    utilisation, from a process of its own
  apps.csv          nvidia-smi --query-compute-apps every 500 ms
  pmon.txt          nvidia-smi pmon -s um (per-process utilisation), where the driver allows it
  help-query-gpu.txt, smi-q.txt  what the driver offers and reports

Phases: idle without a CUDA context, idle with one, bf16 matrix products (compute-bound),
device-to-device copies (memory-bound), matrix products half the time (0.5 s on, 0.5 s off),
idle with the context, then idle after the process has exited.
"""
import csv
import json
import os
import subprocess
import sys
import time

STREAM_FIELDS = 'timestamp,index,uuid,name,power.draw,power.limit,utilization.gpu,utilization.memory,memory.used,memory.total,temperature.gpu,clocks.sm,pstate'
EXTRA_CANDIDATES = [
    'power.draw.average', 'power.draw.instant', 'enforced.power.limit', 'power.default_limit', 'power.max_limit',
    'clocks.mem', 'clocks.max.sm', 'temperature.memory', 'fan.speed', 'pcie.link.gen.current', 'clocks_event_reasons.active',
]
PHASES = [
    ('idle-no-context', 12.0),
    ('idle-context', 10.0),
    ('matmul-bf16', 30.0),
    ('copy-d2d', 15.0),
    ('matmul-half-duty', 20.0),
    ('idle-context-after', 12.0),
]
IDLE_AFTER_EXIT_S = 12.0


def now_ms():
    return int(time.time() * 1000)


def supported_extra_fields():
    """The candidate fields this nvidia-smi answers (an unknown field makes the whole query fail)."""
    found = []
    for field in EXTRA_CANDIDATES:
        run = subprocess.run(['nvidia-smi', f'--query-gpu={field}', '--format=csv,noheader'], capture_output=True, text=True)
        if run.returncode == 0 and 'not a valid field' not in run.stdout + run.stderr:
            found.append(field)
    return found


def poll_nvml(out_path, seconds):
    """NVML every 100 ms on the tick (its own process, so the load's Python does not delay it)."""
    import pynvml as nvml

    nvml.nvmlInit()
    handle = nvml.nvmlDeviceGetHandleByIndex(0)
    field_ids = [(name, getattr(nvml, name)) for name in ('NVML_FI_DEV_POWER_AVERAGE', 'NVML_FI_DEV_POWER_INSTANT') if hasattr(nvml, name)]
    with open(out_path, 'w', newline='') as f:
        out = csv.writer(f)
        out.writerow(['wall_ms', 'monotonic_ns', 'total_energy_mJ', 'power_usage_mW', 'power_average_mW', 'power_instant_mW', 'utilization_gpu_pct', 'sm_clock_mhz'])
        start = time.monotonic()
        tick = 0
        while time.monotonic() - start < seconds:
            wall = now_ms()
            mono = time.monotonic_ns()
            energy = nvml.nvmlDeviceGetTotalEnergyConsumption(handle)
            power = nvml.nvmlDeviceGetPowerUsage(handle)
            extra = {}
            if field_ids:
                try:
                    values = nvml.nvmlDeviceGetFieldValues(handle, [fid for _, fid in field_ids])
                    for (name, _), value in zip(field_ids, values):
                        if value.nvmlReturn == 0:
                            extra[name] = value.value.uiVal
                except Exception:  # an older binding or driver without these fields
                    pass
            util = nvml.nvmlDeviceGetUtilizationRates(handle).gpu
            clock = nvml.nvmlDeviceGetClockInfo(handle, nvml.NVML_CLOCK_SM)
            out.writerow([wall, mono, energy, power, extra.get('NVML_FI_DEV_POWER_AVERAGE', ''), extra.get('NVML_FI_DEV_POWER_INSTANT', ''), util, clock])
            tick += 1
            time.sleep(max(0.0, start + tick * 0.1 - time.monotonic()))
    nvml.nvmlShutdown()


def run_load(phases_path):
    """The GPU work, phase by phase; each boundary's wall-clock ms goes to phases.csv."""
    def mark(name):
        with open(phases_path, 'a') as f:
            f.write(f'{name},{now_ms()}\n')

    mark(PHASES[0][0])
    time.sleep(PHASES[0][1])
    import torch

    a = torch.randn(8192, 8192, device='cuda', dtype=torch.bfloat16)
    b = torch.randn(8192, 8192, device='cuda', dtype=torch.bfloat16)
    src = torch.empty(4 << 30, dtype=torch.uint8, device='cuda')
    dst = torch.empty_like(src)
    torch.cuda.synchronize()
    for name, seconds in PHASES[1:]:
        mark(name)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if name == 'matmul-bf16':
                for _ in range(50):
                    a @ b
                torch.cuda.synchronize()
            elif name == 'copy-d2d':
                for _ in range(10):
                    dst.copy_(src)
                torch.cuda.synchronize()
            elif name == 'matmul-half-duty':
                on_until = time.monotonic() + 0.5
                while time.monotonic() < on_until:
                    for _ in range(20):
                        a @ b
                    torch.cuda.synchronize()
                time.sleep(0.5)
            else:
                time.sleep(0.05)
    mark('idle-after-exit')


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    path = lambda name: os.path.join(out_dir, name)
    total_s = sum(s for _, s in PHASES) + IDLE_AFTER_EXIT_S + 3
    with open(path('help-query-gpu.txt'), 'w') as f:
        subprocess.run(['nvidia-smi', '--help-query-gpu'], stdout=f, stderr=subprocess.STDOUT)
    with open(path('smi-q.txt'), 'w') as f:
        subprocess.run(['nvidia-smi', '-q'], stdout=f, stderr=subprocess.STDOUT)
    extra = supported_extra_fields()
    meta = {'extra_fields': extra, 'phases_s': PHASES, 'idle_after_exit_s': IDLE_AFTER_EXIT_S, 'tz': time.tzname, 'utc_offset_s': -time.timezone}
    with open(path('capture.json'), 'w') as f:
        json.dump(meta, f, indent=1)

    def stream(args, name):
        return subprocess.Popen(['nvidia-smi', *args], stdout=open(path(name), 'w'), stderr=subprocess.STDOUT)

    procs = [
        stream([f'--query-gpu={STREAM_FIELDS}', '--format=csv', '-lms', '100'], 'smi-stream.csv'),
        stream(['--query-compute-apps=timestamp,gpu_uuid,pid,process_name,used_memory', '--format=csv', '-lms', '500'], 'apps.csv'),
        stream(['pmon', '-s', 'um', '-d', '1'], 'pmon.txt'),
    ]
    if extra:
        procs.append(stream([f'--query-gpu=timestamp,index,power.draw,{",".join(extra)}', '--format=csv', '-lms', '100'], 'smi-extra.csv'))
    poller = subprocess.Popen([sys.executable, __file__, '--poll-nvml', path('nvml-counter.csv'), str(total_s)])
    time.sleep(1.0)
    load = subprocess.run([sys.executable, __file__, '--load', path('phases.csv')])
    print(f'load exited {load.returncode}', flush=True)
    time.sleep(IDLE_AFTER_EXIT_S)
    with open(path('phases.csv'), 'a') as f:
        f.write(f'end,{now_ms()}\n')
    poller.wait()
    for p in procs:
        p.terminate()
        p.wait()


def cpu_of(out_json, command):
    """Runs a command and writes its CPU seconds (its children's too, once waited for) and wall time."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    code = subprocess.run(command).returncode
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out_json, 'w') as f:
        json.dump({'command': command, 'exit': code, 'wall_s': time.monotonic() - start,
                   'user_s': after.ru_utime - before.ru_utime, 'system_s': after.ru_stime - before.ru_stime}, f, indent=1)


if __name__ == '__main__':
    if sys.argv[1] == '--cpu':
        cpu_of(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == '--poll-nvml':
        poll_nvml(sys.argv[2], float(sys.argv[3]))
    elif sys.argv[1] == '--load':
        run_load(sys.argv[2])
    else:
        main(sys.argv[1])
