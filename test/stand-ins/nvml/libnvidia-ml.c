/*
 * A stand-in for NVIDIA's libnvidia-ml.so, so that Wattprint's NVML binding (koffi FFI) runs for
 * real in tests on machines without an NVIDIA GPU. It exports only the symbols the binding calls,
 * with the signatures, struct layouts and return codes of NVIDIA's own header: nvml.h of NVML
 * 13.3.29 as vendored by github.com/NVIDIA/go-nvml at gen/nvml/nvml.h. The devices are made up
 * from environment variables read when nvmlInit_v2 takes the reference count from 0 to 1 (a
 * comma-separated LIST gives one value per device; the last value repeats):
 *
 *   WATTPRINT_NVML_INIT_ERROR      nvmlInit_v2 fails: driver-not-loaded (9), no-permission (4),
 *                                  rm-version-mismatch (18), unknown (999) or any return code.
 *   WATTPRINT_NVML_DEVICES         number of GPUs, 0 to 8 (default 1).
 *   WATTPRINT_NVML_NAME            LIST of product names (default "NVIDIA GeForce RTX 4090").
 *   WATTPRINT_NVML_IDLE_W          LIST, power before the load starts, W (default 30).
 *   WATTPRINT_NVML_LOAD_W          LIST, power once the load has started, W (default 300).
 *   WATTPRINT_NVML_LOAD_AFTER_MS   the load starts this long after nvmlInit on the device's clock.
 *   WATTPRINT_NVML_LOAD_AFTER_READS  the load starts at the Nth power or energy read of a device.
 *                                  (Neither set: the device stays idle. Both: whichever comes first.)
 *   WATTPRINT_NVML_STEP_MS         a virtual clock: each energy read of a device moves its clock on
 *                                  by this many ms, so counters are exact. Unset: CLOCK_MONOTONIC.
 *   WATTPRINT_NVML_ENERGY_COST_US  each energy read spins the CPU this long, µs (default 0): an H200
 *                                  with driver 580 spends 3,900 µs of CPU per read (an RPC to its
 *                                  firmware; test/fixtures/nvidia-h200/nvml-cost.json), which the
 *                                  recorder's benchmark reproduces with this.
 *   WATTPRINT_NVML_ENERGY_START_MJ LIST, the energy counter at nvmlInit, mJ (default 5000000).
 *   WATTPRINT_NVML_NO_ENERGY       LIST of 0/1: the energy counter is NOT_SUPPORTED (pre-Volta).
 *   WATTPRINT_NVML_NO_POWER        LIST of 0/1: power usage is NOT_SUPPORTED.
 *   WATTPRINT_NVML_RESET_AFTER_READS  a driver reload: after this many energy reads of a device its
 *                                  counter starts again from 0 (the next read returns only the
 *                                  energy since the previous read).
 *   WATTPRINT_NVML_LIMIT_W         LIST, enforced power limit, W (default 450).
 *   WATTPRINT_NVML_MEM_TOTAL_MIB   LIST, memory size, MiB (default 24564).
 *   WATTPRINT_NVML_LOST            LIST of 0/1: every query of the device returns GPU_IS_LOST.
 *   WATTPRINT_NVML_MACHINE         a name for the machine: while it stays the same, nvmlShutdown and a
 *                                  new nvmlInit keep the devices' counters and clocks, as the real
 *                                  driver does (only a driver reload restarts them).
 *   WATTPRINT_NVML_PROCS           compute processes, `device:pid:name:sm%:usedMiB` separated by
 *                                  `;` (usedMiB `-`: NVML_VALUE_NOT_AVAILABLE, as under WDDM).
 *
 * The energy counter is the integral of the power the stand-in reports (W x ms = mJ), advanced at
 * every power or energy read: piecewise constant between reads, split at LOAD_AFTER_MS.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXPORT __attribute__((visibility("default")))

/* nvmlReturn_t (nvml.h, typedef enum nvmlReturn_enum): the codes this stand-in returns. */
typedef enum nvmlReturn_enum {
  NVML_SUCCESS = 0,
  NVML_ERROR_UNINITIALIZED = 1,
  NVML_ERROR_INVALID_ARGUMENT = 2,
  NVML_ERROR_NOT_SUPPORTED = 3,
  NVML_ERROR_NO_PERMISSION = 4,
  NVML_ERROR_NOT_FOUND = 6,
  NVML_ERROR_INSUFFICIENT_SIZE = 7,
  NVML_ERROR_DRIVER_NOT_LOADED = 9,
  NVML_ERROR_GPU_IS_LOST = 15,
  NVML_ERROR_LIB_RM_VERSION_MISMATCH = 18,
  NVML_ERROR_UNKNOWN = 999
} nvmlReturn_t;

typedef enum nvmlTemperatureSensors_enum { NVML_TEMPERATURE_GPU = 0 } nvmlTemperatureSensors_t;
typedef enum nvmlClockType_enum { NVML_CLOCK_GRAPHICS = 0, NVML_CLOCK_SM = 1, NVML_CLOCK_MEM = 2, NVML_CLOCK_VIDEO = 3 } nvmlClockType_t;
typedef enum nvmlPStates_enum { NVML_PSTATE_0 = 0, NVML_PSTATE_2 = 2, NVML_PSTATE_8 = 8, NVML_PSTATE_UNKNOWN = 32 } nvmlPstates_t;

typedef struct nvmlUtilization_st {
  unsigned int gpu;
  unsigned int memory;
} nvmlUtilization_t;

typedef struct nvmlMemory_st {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
} nvmlMemory_t;

typedef struct nvmlPciInfo_st {
  char busIdLegacy[16];
  unsigned int domain;
  unsigned int bus;
  unsigned int device;
  unsigned int pciDeviceId;
  unsigned int pciSubSystemId;
  char busId[32];
} nvmlPciInfo_t;

typedef struct nvmlProcessInfo_v2_st {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
} nvmlProcessInfo_t;

typedef struct nvmlProcessUtilizationSample_st {
  unsigned int pid;
  unsigned long long timeStamp;
  unsigned int smUtil;
  unsigned int memUtil;
  unsigned int encUtil;
  unsigned int decUtil;
} nvmlProcessUtilizationSample_t;

#define MAX_DEVICES 8
#define MAX_PROCS 32
#define VALUE_NOT_AVAILABLE 0xFFFFFFFFFFFFFFFFULL
#define MIB 1048576ULL

struct nvmlDevice_st {
  unsigned int index;
  char name[96];
  double idleW, loadW, limitW;
  double loadAfterMs;
  long loadAfterReads;
  double energyMj;
  double clockMs; /* the device's clock, ms since nvmlInit (virtual clock only) */
  double lastMs;  /* when energyMj was last advanced */
  long reads, energyReads, resetAfterReads;
  int noEnergy, noPower, lost;
  unsigned long long memTotalB;
};
typedef struct nvmlDevice_st *nvmlDevice_t;

struct proc {
  unsigned int device, pid, smPct;
  unsigned long long usedB;
  char name[64];
};

static int initCount = 0;
static unsigned int deviceCount = 0;
static struct nvmlDevice_st devices[MAX_DEVICES];
static struct proc procs[MAX_PROCS];
static unsigned int procCount = 0;
static double stepMs = 0;
static double energyCostUs = 0;
static struct timespec initTime;

static double listValue(const char *name, unsigned int index, double fallback) {
  const char *text = getenv(name);
  if (text == NULL || *text == '\0') return fallback;
  double value = fallback;
  const char *at = text;
  for (unsigned int i = 0;; i++) {
    char *end;
    double parsed = strtod(at, &end);
    if (end != at) value = parsed;
    if (i == index) break;
    const char *comma = strchr(at, ',');
    if (comma == NULL) break;
    at = comma + 1;
  }
  return value;
}

static void listString(const char *name, unsigned int index, const char *fallback, char *out, size_t size) {
  const char *text = getenv(name);
  snprintf(out, size, "%s", fallback);
  if (text == NULL || *text == '\0') return;
  const char *at = text;
  for (unsigned int i = 0;; i++) {
    const char *comma = strchr(at, ',');
    size_t length = comma == NULL ? strlen(at) : (size_t)(comma - at);
    snprintf(out, size, "%.*s", (int)length, at);
    if (i == index || comma == NULL) return;
    at = comma + 1;
  }
}

static void readProcs(void) {
  procCount = 0;
  const char *text = getenv("WATTPRINT_NVML_PROCS");
  if (text == NULL) return;
  const char *at = text;
  while (*at != '\0' && procCount < MAX_PROCS) {
    const char *semi = strchr(at, ';');
    size_t length = semi == NULL ? strlen(at) : (size_t)(semi - at);
    char entry[160], name[64], mem[32];
    unsigned int device, pid, sm;
    snprintf(entry, sizeof entry, "%.*s", (int)length, at);
    if (sscanf(entry, "%u:%u:%63[^:]:%u:%31s", &device, &pid, name, &sm, mem) == 5) {
      struct proc *p = &procs[procCount++];
      p->device = device;
      p->pid = pid;
      p->smPct = sm;
      p->usedB = strcmp(mem, "-") == 0 ? VALUE_NOT_AVAILABLE : strtoull(mem, NULL, 10) * MIB;
      snprintf(p->name, sizeof p->name, "%s", name);
    }
    if (semi == NULL) break;
    at = semi + 1;
  }
}

static double realMs(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - initTime.tv_sec) * 1000.0 + (double)(now.tv_nsec - initTime.tv_nsec) / 1e6;
}

static double deviceNowMs(const struct nvmlDevice_st *d) { return stepMs > 0 ? d->clockMs : realMs(); }

static int loadedAt(const struct nvmlDevice_st *d, double tMs) {
  if (d->loadAfterMs >= 0 && tMs >= d->loadAfterMs) return 1;
  if (d->loadAfterReads >= 0 && d->reads >= d->loadAfterReads) return 1;
  return 0;
}

static double powerAt(const struct nvmlDevice_st *d, double tMs) { return loadedAt(d, tMs) ? d->loadW : d->idleW; }

/* Integrates power from the last read to now (W x ms = mJ), then counts this read. */
static void advance(struct nvmlDevice_st *d) {
  double now = deviceNowMs(d);
  if (now > d->lastMs) {
    double from = d->lastMs;
    if (d->loadAfterMs > from && d->loadAfterMs < now) {
      d->energyMj += powerAt(d, from) * (d->loadAfterMs - from);
      from = d->loadAfterMs;
    }
    d->energyMj += powerAt(d, from) * (now - from);
    d->lastMs = now;
  }
  d->reads++;
}

static int isDevice(nvmlDevice_t device) {
  return initCount > 0 && device != NULL && device >= devices && device < devices + deviceCount;
}

/* The checks every device query starts with. */
#define CHECK_DEVICE(device, out)                            \
  do {                                                       \
    if (initCount == 0) return NVML_ERROR_UNINITIALIZED;     \
    if (!isDevice(device)) return NVML_ERROR_INVALID_ARGUMENT; \
    if ((out) == NULL) return NVML_ERROR_INVALID_ARGUMENT;   \
    if ((device)->lost) return NVML_ERROR_GPU_IS_LOST;       \
  } while (0)

static nvmlReturn_t copyString(const char *value, char *out, unsigned int length) {
  if (strlen(value) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
  memcpy(out, value, strlen(value) + 1);
  return NVML_SUCCESS;
}

static nvmlReturn_t initError(void) {
  const char *mode = getenv("WATTPRINT_NVML_INIT_ERROR");
  if (mode == NULL || *mode == '\0') return NVML_SUCCESS;
  if (strcmp(mode, "driver-not-loaded") == 0) return NVML_ERROR_DRIVER_NOT_LOADED;
  if (strcmp(mode, "no-permission") == 0) return NVML_ERROR_NO_PERMISSION;
  if (strcmp(mode, "rm-version-mismatch") == 0) return NVML_ERROR_LIB_RM_VERSION_MISMATCH;
  if (strcmp(mode, "unknown") == 0) return NVML_ERROR_UNKNOWN;
  return (nvmlReturn_t)atoi(mode);
}

EXPORT nvmlReturn_t nvmlInit_v2(void) {
  if (initCount > 0) {
    initCount++;
    return NVML_SUCCESS;
  }
  nvmlReturn_t failure = initError();
  if (failure != NVML_SUCCESS) return failure;
  static char lastMachine[128] = "";
  const char *machine = getenv("WATTPRINT_NVML_MACHINE");
  if (machine != NULL && *machine != '\0' && strncmp(machine, lastMachine, sizeof lastMachine) == 0 && deviceCount > 0) {
    initCount = 1;
    return NVML_SUCCESS;
  }
  snprintf(lastMachine, sizeof lastMachine, "%s", machine == NULL ? "" : machine);
  clock_gettime(CLOCK_MONOTONIC, &initTime);
  double count = listValue("WATTPRINT_NVML_DEVICES", 0, 1);
  deviceCount = count < 0 ? 0 : count > MAX_DEVICES ? MAX_DEVICES : (unsigned int)count;
  stepMs = listValue("WATTPRINT_NVML_STEP_MS", 0, 0);
  energyCostUs = listValue("WATTPRINT_NVML_ENERGY_COST_US", 0, 0);
  for (unsigned int i = 0; i < deviceCount; i++) {
    struct nvmlDevice_st *d = &devices[i];
    memset(d, 0, sizeof *d);
    d->index = i;
    listString("WATTPRINT_NVML_NAME", i, "NVIDIA GeForce RTX 4090", d->name, sizeof d->name);
    d->idleW = listValue("WATTPRINT_NVML_IDLE_W", i, 30);
    d->loadW = listValue("WATTPRINT_NVML_LOAD_W", i, 300);
    d->limitW = listValue("WATTPRINT_NVML_LIMIT_W", i, 450);
    d->loadAfterMs = listValue("WATTPRINT_NVML_LOAD_AFTER_MS", 0, -1);
    d->loadAfterReads = (long)listValue("WATTPRINT_NVML_LOAD_AFTER_READS", 0, -1);
    d->resetAfterReads = (long)listValue("WATTPRINT_NVML_RESET_AFTER_READS", 0, -1);
    d->energyMj = listValue("WATTPRINT_NVML_ENERGY_START_MJ", i, 5000000);
    d->noEnergy = listValue("WATTPRINT_NVML_NO_ENERGY", i, 0) != 0;
    d->noPower = listValue("WATTPRINT_NVML_NO_POWER", i, 0) != 0;
    d->lost = listValue("WATTPRINT_NVML_LOST", i, 0) != 0;
    d->memTotalB = (unsigned long long)listValue("WATTPRINT_NVML_MEM_TOTAL_MIB", i, 24564) * MIB;
  }
  readProcs();
  initCount = 1;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlShutdown(void) {
  if (initCount == 0) return NVML_ERROR_UNINITIALIZED;
  initCount--;
  return NVML_SUCCESS;
}

EXPORT const char *nvmlErrorString(nvmlReturn_t result) {
  switch ((int)result) {
    case 0: return "Success";
    case 1: return "Uninitialized";
    case 2: return "Invalid Argument";
    case 3: return "Not Supported";
    case 4: return "Insufficient Permissions";
    case 6: return "Not Found";
    case 7: return "Insufficient Size";
    case 9: return "Driver Not Loaded";
    case 13: return "Function Not Found";
    case 15: return "GPU is lost";
    case 18: return "RM has detected an NVML/RM version mismatch.";
    case 28: return "No GPUs were found";
    default: return "Unknown Error";
  }
}

EXPORT nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
  if (initCount == 0) return NVML_ERROR_UNINITIALIZED;
  if (count == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  *count = deviceCount;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
  if (initCount == 0) return NVML_ERROR_UNINITIALIZED;
  if (device == NULL || index >= deviceCount) return NVML_ERROR_INVALID_ARGUMENT;
  *device = &devices[index];
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
  CHECK_DEVICE(device, uuid);
  char value[96];
  snprintf(value, sizeof value, "GPU-5ca1ab1e-0000-4000-8000-%012x", device->index + 1);
  return copyString(value, uuid, length);
}

EXPORT nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
  CHECK_DEVICE(device, name);
  return copyString(device->name, name, length);
}

EXPORT nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci) {
  CHECK_DEVICE(device, pci);
  memset(pci, 0, sizeof *pci);
  pci->domain = 0;
  pci->bus = device->index + 1;
  pci->device = 0;
  pci->pciDeviceId = 0x268410de;
  pci->pciSubSystemId = 0x16f310de;
  snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "%04X:%02X:%02X.0", pci->domain, pci->bus, pci->device);
  snprintf(pci->busId, sizeof pci->busId, "%08X:%02X:%02X.0", pci->domain, pci->bus, pci->device);
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy) {
  CHECK_DEVICE(device, energy);
  if (device->noEnergy) return NVML_ERROR_NOT_SUPPORTED;
  if (energyCostUs > 0) {
    /* Busy, not asleep: the real driver's cost is CPU time. */
    double until = realMs() + energyCostUs / 1000.0;
    while (realMs() < until) {
    }
  }
  if (stepMs > 0) device->clockMs += stepMs;
  device->energyReads++;
  if (device->resetAfterReads >= 0 && device->energyReads == device->resetAfterReads + 1) device->energyMj = 0;
  advance(device);
  *energy = (unsigned long long)device->energyMj;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) {
  CHECK_DEVICE(device, power);
  if (device->noPower) return NVML_ERROR_NOT_SUPPORTED;
  advance(device);
  *power = (unsigned int)(powerAt(device, deviceNowMs(device)) * 1000.0);
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit) {
  CHECK_DEVICE(device, limit);
  *limit = (unsigned int)(device->limitW * 1000.0);
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization) {
  CHECK_DEVICE(device, utilization);
  int loaded = loadedAt(device, deviceNowMs(device));
  utilization->gpu = loaded ? 97 : 2;
  utilization->memory = loaded ? 61 : 1;
  return NVML_SUCCESS;
}

static unsigned long long usedMemory(const struct nvmlDevice_st *d) {
  unsigned long long used = 512 * MIB;
  for (unsigned int i = 0; i < procCount; i++)
    if (procs[i].device == d->index && procs[i].usedB != VALUE_NOT_AVAILABLE) used += procs[i].usedB;
  return used > d->memTotalB ? d->memTotalB : used;
}

EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
  CHECK_DEVICE(device, memory);
  memory->total = device->memTotalB;
  memory->used = usedMemory(device);
  memory->free = memory->total - memory->used;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, nvmlTemperatureSensors_t sensorType, unsigned int *temp) {
  CHECK_DEVICE(device, temp);
  if (sensorType != NVML_TEMPERATURE_GPU) return NVML_ERROR_INVALID_ARGUMENT;
  *temp = loadedAt(device, deviceNowMs(device)) ? 71 : 38;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, nvmlClockType_t type, unsigned int *clock) {
  CHECK_DEVICE(device, clock);
  int loaded = loadedAt(device, deviceNowMs(device));
  switch (type) {
    case NVML_CLOCK_GRAPHICS:
    case NVML_CLOCK_SM: *clock = loaded ? 2520 : 210; return NVML_SUCCESS;
    case NVML_CLOCK_MEM: *clock = loaded ? 10501 : 405; return NVML_SUCCESS;
    case NVML_CLOCK_VIDEO: *clock = loaded ? 1965 : 555; return NVML_SUCCESS;
    default: return NVML_ERROR_INVALID_ARGUMENT;
  }
}

EXPORT nvmlReturn_t nvmlDeviceGetPerformanceState(nvmlDevice_t device, nvmlPstates_t *pState) {
  CHECK_DEVICE(device, pState);
  *pState = loadedAt(device, deviceNowMs(device)) ? NVML_PSTATE_2 : NVML_PSTATE_8;
  return NVML_SUCCESS;
}

/* Count first: *infoCount too small (0 to ask) gives INSUFFICIENT_SIZE and the count needed. */
EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *infoCount, nvmlProcessInfo_t *infos) {
  CHECK_DEVICE(device, infoCount);
  unsigned int needed = 0;
  for (unsigned int i = 0; i < procCount; i++) needed += procs[i].device == device->index;
  if (*infoCount < needed) {
    *infoCount = needed;
    return NVML_ERROR_INSUFFICIENT_SIZE;
  }
  if (needed > 0 && infos == NULL) return NVML_ERROR_INVALID_ARGUMENT;
  unsigned int n = 0;
  for (unsigned int i = 0; i < procCount; i++) {
    if (procs[i].device != device->index) continue;
    infos[n].pid = procs[i].pid;
    infos[n].usedGpuMemory = procs[i].usedB;
    infos[n].gpuInstanceId = 0xFFFFFFFF;
    infos[n].computeInstanceId = 0xFFFFFFFF;
    n++;
  }
  *infoCount = n;
  return NVML_SUCCESS;
}

/* One sample per process with some SM use, stamped now (CPU time, us); NOT_FOUND when none is newer than lastSeenTimeStamp. */
EXPORT nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t device, nvmlProcessUtilizationSample_t *utilization, unsigned int *processSamplesCount,
                                                    unsigned long long lastSeenTimeStamp) {
  CHECK_DEVICE(device, processSamplesCount);
  struct timespec wall;
  clock_gettime(CLOCK_REALTIME, &wall);
  unsigned long long nowUs = (unsigned long long)wall.tv_sec * 1000000ULL + (unsigned long long)wall.tv_nsec / 1000ULL;
  unsigned int needed = 0;
  if (nowUs > lastSeenTimeStamp)
    for (unsigned int i = 0; i < procCount; i++) needed += procs[i].device == device->index && procs[i].smPct > 0;
  if (needed == 0) return NVML_ERROR_NOT_FOUND;
  if (utilization == NULL || *processSamplesCount < needed) {
    *processSamplesCount = needed;
    return NVML_ERROR_INSUFFICIENT_SIZE;
  }
  unsigned int n = 0;
  for (unsigned int i = 0; i < procCount; i++) {
    if (procs[i].device != device->index || procs[i].smPct == 0) continue;
    utilization[n].pid = procs[i].pid;
    utilization[n].timeStamp = nowUs;
    utilization[n].smUtil = procs[i].smPct;
    utilization[n].memUtil = procs[i].smPct / 2;
    utilization[n].encUtil = 0;
    utilization[n].decUtil = 0;
    n++;
  }
  *processSamplesCount = n;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlSystemGetProcessName(unsigned int pid, char *name, unsigned int length) {
  if (initCount == 0) return NVML_ERROR_UNINITIALIZED;
  if (name == NULL || length == 0) return NVML_ERROR_INVALID_ARGUMENT;
  for (unsigned int i = 0; i < procCount; i++) {
    if (procs[i].pid != pid) continue;
    snprintf(name, length, "%s", procs[i].name);
    return NVML_SUCCESS;
  }
  return NVML_ERROR_NOT_FOUND;
}
