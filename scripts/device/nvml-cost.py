#!/usr/bin/env python3
"""What each NVML query Wattprint makes per reading costs on this machine: CPU time per call
(user + system, from the process's own clock) and wall time, over many calls on GPU 0.
Usage: python3 scripts/device/nvml-cost.py OUT.json"""
import json
import sys
import time

import pynvml as nvml

nvml.nvmlInit()
h = nvml.nvmlDeviceGetHandleByIndex(0)
CALLS = {
    'nvmlDeviceGetTotalEnergyConsumption': lambda: nvml.nvmlDeviceGetTotalEnergyConsumption(h),
    'nvmlDeviceGetPowerUsage': lambda: nvml.nvmlDeviceGetPowerUsage(h),
    'nvmlDeviceGetEnforcedPowerLimit': lambda: nvml.nvmlDeviceGetEnforcedPowerLimit(h),
    'nvmlDeviceGetUtilizationRates': lambda: nvml.nvmlDeviceGetUtilizationRates(h),
    'nvmlDeviceGetMemoryInfo': lambda: nvml.nvmlDeviceGetMemoryInfo(h),
    'nvmlDeviceGetTemperature': lambda: nvml.nvmlDeviceGetTemperature(h, nvml.NVML_TEMPERATURE_GPU),
    'nvmlDeviceGetClockInfo': lambda: nvml.nvmlDeviceGetClockInfo(h, nvml.NVML_CLOCK_SM),
    'nvmlDeviceGetPerformanceState': lambda: nvml.nvmlDeviceGetPerformanceState(h),
    'nvmlDeviceGetComputeRunningProcesses': lambda: nvml.nvmlDeviceGetComputeRunningProcesses(h),
    'nvmlDeviceGetProcessUtilization': lambda: nvml.nvmlDeviceGetProcessUtilization(h, 0),
    'nvmlDeviceGetFieldValues(TOTAL_ENERGY_CONSUMPTION)': lambda: nvml.nvmlDeviceGetFieldValues(h, [nvml.NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION]),
    'nvmlDeviceGetFieldValues(POWER_INSTANT)': lambda: nvml.nvmlDeviceGetFieldValues(h, [nvml.NVML_FI_DEV_POWER_INSTANT]),
    'nvmlDeviceGetFieldValues(POWER_AVERAGE)': lambda: nvml.nvmlDeviceGetFieldValues(h, [nvml.NVML_FI_DEV_POWER_AVERAGE]),
    'baseline (a Python call that does nothing)': lambda: None,
}
REPS = 200
out = {}
for name, call in CALLS.items():
    try:
        call()
    except Exception as error:  # not supported here
        out[name] = {'error': str(error)}
        continue
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(REPS):
        try:
            call()
        except Exception:
            pass
    cpu1, wall1 = time.process_time(), time.perf_counter()
    out[name] = {'cpu_us_per_call': (cpu1 - cpu0) / REPS * 1e6, 'wall_us_per_call': (wall1 - wall0) / REPS * 1e6}
    print(f'{name}: {out[name]["cpu_us_per_call"]:.1f} us CPU, {out[name]["wall_us_per_call"]:.1f} us wall', flush=True)
# How often the counter moves: read it back to back for 2 s and note when its value changes.
changes, last, start = [], None, time.perf_counter()
while time.perf_counter() - start < 2:
    value = nvml.nvmlDeviceGetTotalEnergyConsumption(h)
    if value != last:
        changes.append(round((time.perf_counter() - start) * 1000, 2))
        last = value
steps = [b - a for a, b in zip(changes, changes[1:])]
out['counter_update_ms'] = {'changes_in_2s': len(changes), 'median_step_ms': sorted(steps)[len(steps) // 2] if steps else None}
print('counter updates:', out['counter_update_ms'], flush=True)
json.dump({'reps': REPS, 'calls': out}, open(sys.argv[1], 'w'), indent=1)
