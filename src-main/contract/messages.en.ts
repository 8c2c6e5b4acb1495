/**
 * Every sentence the main process sends to a person, in English, by code. Placeholders are
 * `{name}` (vue-i18n's named interpolation, so the renderer uses this catalogue as it is); the
 * characters `@`, `|` and `$` are not used, as vue-i18n gives them a meaning. The French
 * catalogue must have exactly the same codes (checked by the type and a test).
 */
export const MESSAGES_EN = {
  /** A text that is already words (a user's label, a data set's model name): shown as it is. */
  text: '{text}',

  // Validation of a request, a settings value, a file (zod issues, by kind).
  'field.too-small': 'field "{field}": Too small: expected {expected} to be >={minimum}',
  'field.too-big': 'field "{field}": Too big: expected {expected} to be <={maximum}',
  'field.wrong-type': 'field "{field}": Invalid input: expected {expected}',
  'field.unknown-keys': 'field "{field}": Unrecognized key(s): {keys}',
  'field.not-one-of': 'field "{field}": Invalid option: expected one of {options}',
  'field.bad-format': 'field "{field}": Invalid {format}',
  'field.invalid': 'field "{field}": {detail}',
  'field.iso3': 'field "{field}": an ISO 3166-1 alpha-3 country code such as FRA, or WORLD',
  'field.currency': 'field "{field}": a 3-letter ISO 4217 code such as EUR',
  'request.invalid': '{channel}: {detail}',
  'request.until-before-since': 'field "{field}": untilMs must be after sinceMs',
  'request.range-too-long': 'field "{field}": at most 400 days at a time',
  'request.needs-training-work': 'field "{field}": give gpuHours, or paramsB and tokensB',
  'request.needs-inference-work': 'field "{field}": give energyJ and tokens (measured), or paramsB, bitsPerWeight and hardwareId (estimated)',
  'request.grid-or-country': 'field "{field}": give gridGCo2ePerKWh or countryIso3, not both',
  'request.unknown-zone': 'field "{field}": unknown time zone "{zone}" (use an IANA name such as Europe/Paris)',
  'request.unknown-channel': 'unknown channel "{channel}"',

  // Transports.
  'http.no-token': 'missing or wrong token: open the URL that `wattprint serve` printed',
  'http.wrong-host': 'requests must be addressed to 127.0.0.1:{port}',
  'http.two-hosts': 'more than one Host header',
  'http.cross-site': 'cross-site request refused ({header}: {value})',
  'http.not-json': 'send the request as Content-Type: application/json',
  'http.too-large': 'request body larger than {limit} bytes for {channel}',
  'http.bad-json': 'request body is not valid JSON',
  'http.bad-url': 'the request target is not a valid URL',
  'http.bad-encoding': 'the path has bad percent-encoding',
  'http.method': '{method} is not allowed here (use {allowed})',
  'http.no-such-path': 'no such API path',
  'http.not-found': 'not found',
  'http.api-only': 'this host serves the API only (the renderer was not built: run `npm run build:renderer`)',
  'http.renderer-missing': 'the renderer is not built ({file} is missing): run `npm run build:renderer`',
  'ipc.untrusted': 'request from an untrusted frame',
  internal: 'internal error: {detail}',

  // Estimates and scenarios.
  'estimate.unknown-hardware': 'field "{field}": unknown hardware "{id}" (list them with: wattprint hardware)',
  'estimate.no-grid': 'field "{field}": no grid figure for "{iso3}"',
  'estimate.no-flops': 'field "{field}": {name} has no published dense TFLOP/s in the data set; give gpuHours instead',
  'estimate.no-bandwidth': 'field "{field}": {name} has no published memory bandwidth in the data set',
  'scenario.bad-dates': 'field "{field}": two ISO 8601 dates, until after since',
  'scenario.needs-history': 'field "{field}": a measured baseline needs the database (--db)',
  'scenario.unknown-run': 'field "{field}": unknown training run "{id}" (list them with: wattprint references)',
  'scenario.run-without-energy': 'field "{field}": {model} has no published energy or GPU-hours × power to start from',
  'scenario.unknown-hardware': 'field "{field}": unknown hardware "{id}"',
  'scenario.hardware-without-flops': 'field "{field}": both devices need a published dense TFLOP/s figure',
  'scenario.no-grid': 'field "{field}": no grid figure for "{iso3}"',
  'scenario.pack-lacks-cloud': 'data pack {version} lacks the cloud PUE/WUE factors',

  // Lever formulas (a variant's steps) and scenario notes.
  'lever.distillation':
    'serving the student: energy per token × student/teacher active parameters = × {student}/{teacher} = × {ratio} (2N FLOPs and N weights read per token)',
  'lever.distillation-training':
    'training the student: its own training (N_s/N_t = {student}/{teacher}) + the teacher labelling the distillation corpus (2·N_t·D_distill ÷ 6·N_t·D = {teacherShare}) = × {ratio}; the teacher already exists',
  'lever.distillation-training-with-teacher':
    'training the student: its own training ({student}/{teacher}) + the teacher labelling the corpus ({teacherShare}) + training the teacher itself (1) = × {ratio}',
  'lever.quantization-fp8-training': 'FP8 instead of BF16 training: energy × 1 ÷ end-to-end speed-up ({speedup}×) = × {ratio} (constant board power assumed)',
  'lever.hardware-bandwidth': 'memory-bound decoding: energy × (memory bandwidth per W of {from}) ÷ (that of {to}) = × {ratio} (same tokens, TDP as power)',
  'lever.local-batch-1':
    'local: decoding at batch 1 instead of a batched serving stack, energy × {gain} (ML.ENERGY, batch 8 → 64); your home PC (PUE 1, a {psu}% efficient power supply), no cooling water, your grid and price',
  'lever.cloud-batched':
    'cloud: a batched serving stack uses {gain}× less energy per token than batch-1 decoding (ML.ENERGY, batch 8 → 64: a lower bound); PUE {pue}, on-site water {wue} L/kWh',
  'lever.not-for-workload': 'field "{field}": the {lever} lever does not apply to a {workload} workload',
  'lever.measured-inference-only': 'field "{field}": measured ratios are energy per token: they apply to inference only',
  'lever.needs-baseline-tokens': 'field "{field}": the baseline has no training tokens to compare the distillation corpus with',
  'lever.quantization-training-fp8':
    'field "{field}": on training, quantisation means low-precision training; only BF16 → FP8 (16 → 8 bits) has a cited factor',
  'lever.needs-pretrain-params': 'field "{field}": give the parameters of the model whose pre-training this replaces (the baseline has none)',
  'lever.needs-pretrain-tokens': 'field "{field}": give the tokens of the pre-training this replaces (the baseline has none)',
  'lever.finetune-not-smaller': 'field "{field}": a fine-tune uses fewer tokens than the pre-training it replaces',
  'lever.student-not-smaller': 'field "{field}": the student must be smaller than its teacher',
  'lever.bits-not-fewer': 'field "{field}": quantisation means fewer bits after than before',
  'lever.location-already': 'field "{field}": the workload is already there ({to})',
  'scenario.hardware-without-bandwidth': 'field "{field}": both devices need a published memory bandwidth (decoding is memory-bound)',
  'scenario.note-home': 'Home PC: PUE 1; the power supply’s loss × {facility} ({low}-{high}).',
  'scenario.note-data-centre': 'Data centre: PUE {facility} ({low}-{high}).',
  'scenario.note-run-site-pue': 'The run published no PUE: your site’s {pue} is used.',
  'scenario.note-run-implied-grid':
    'The run published {co2e} t CO2e and no grid intensity: {mwh} MWh imply {grid} g CO2e/kWh, used as its grid, so the baseline is the published figure.',
  'scenario.note-run-published-co2e': 'The run’s published CO2e: {co2e} t ({scope}).',
  'lever.measured': 'measured on this PC: energy × Wh per 1,000 tokens of {to} ÷ that of {from} = × {toWh}/{fromWh} = × {ratio}',
  'lever.measured-basis': 'Your own measurements (Measure my model), both on {devices}.',
  'lever.measured-other-devices': 'Your own measurements, but on different devices ({devices} vs {other}): the ratio mixes the model and the hardware.',
  'scenario.no-measurement': 'there is no stored model measurement #{id} (measure the model first, or pick another)',
  'lever.quantization':
    'memory-bound decoding reads every weight once per token: energy × bits after/before = × {to}/{from} = × {ratio} at best; up to × {high} if half the energy (attention, KV cache, dequantisation) does not shrink',
  'lever.finetune': 'FLOPs {k}·N·D of the fine-tune ÷ 6·N·D of the pre-training = ({k} × {n}B × {d}B) ÷ (6 × {n0}B × {d0}B) = × {share}',
  'lever.pue': 'facility energy = IT energy × PUE {pue}',
  'lever.grid': 'grid intensity from {from} to {grid} g CO2e/kWh (Ember yearly average for {iso3}, ±10%)',
  'lever.renewable-share': 'market-based: grid intensity × (1 − {percent}% covered by renewable contracts)',
  'lever.hardware': 'compute-bound work: energy × (peak FLOP/s per W of {from}) ÷ (that of {to}) = × {ratio} (same work, same utilisation, TDP as power)',
  'lever.time-shift': 'grid intensity from {from} to {grid} g CO2e/kWh at the chosen hour (your figure: Wattprint bundles no hourly data)',
  'lever.local': 'local: your home PC (PUE 1, a {psu}% efficient power supply), no cooling water, your grid and price',
  'lever.cloud': 'cloud: PUE {pue}, on-site water {wue} L/kWh',
  'cite.user-figure': 'Your own figure (e.g. from your supplier or a live grid map)',
  'cite.user-settings': 'Your settings',
  'scenario.note-no-water': 'Off-site water (for generating the electricity) is not counted: no verified L/kWh figure is bundled; set yours in Settings.',
  'scenario.note-finetune': 'Baseline: {method} fine-tune of {params}B parameters on {tokens}B tokens, {formula} (defaults: {defaults}).',
  'scenario.note-inference': 'Baseline: {tokens} tokens at {perToken} J per token ({formula}).',
  'scenario.note-run-published': "Baseline energy: the run's published {mwh} MWh.",
  'scenario.note-run-derived': 'Baseline energy derived, not published as energy: {hours} accelerator-hours × {powerW} W × PUE {pue} = {mwh} MWh.',
  'scenario.note-run-pue': "The run's published PUE: {pue}.",
  'scenario.note-run-no-pue': 'The run published no PUE: the data-centre range is used, {pue} ({low}-{high}: hyperscale to industry average).',
  'scenario.note-run-grid': "The run's published grid intensity: {grid} g CO2e/kWh.",
  'scenario.note-run-site-grid': "The run published no grid intensity: your site's ({grid} g CO2e/kWh) is used.",
  'scenario.label-measured': 'Measured {since} → {until}',
  'scenario.label-finetune': '{method} fine-tune, {params}B × {tokens}B tokens',
  'scenario.label-inference': '{tokens} tokens, {params}B at {bits} bits',

  // Factors the app makes from settings (data-pack factors carry their own labels).
  'factor.grid-country': 'Grid average, {country}',
  'factor.grid-country-note':
    "Location-based: the yearly average intensity of all electricity generated in the country (Ember's methodology says which emissions it counts). CO2.js takes the latest year Ember publishes for each country and does not record which year that is, so the year shows as unknown. The range (±10%) is Wattprint's assumption for applying a yearly average to particular hours.",
  'factor.grid-market-note':
    'Market-based (GHG Protocol Scope 2): the {share}% of your electricity covered by a renewable contract counts as zero operational emissions; the rest at the country average ({grid} g CO2e/kWh, Ember via CO2.js). Location-based figures, what the grid actually emitted, are higher.',
  'factor.price-tou-note':
    "Peak {peak} {currency}/kWh from {start}:00 to {end}:00 local time, off-peak {offPeak} otherwise; {sharePct}% of this period's energy fell in peak hours.",
  'factor.grid-user': 'Grid intensity you entered',
  'factor.grid-user-note': 'Set in Settings; Wattprint does not check it.',
  'factor.grid-market': '{country} × (1 − {share}% renewable contract)',
  'factor.price-user': 'Electricity price you entered',
  'factor.price-user-note': 'Set in Settings: a flat price per kWh.',
  'factor.price-tou': 'Time-of-use tariff you entered (effective price for this period)',
  'factor.embodied-user': "Your GPU's manufacturing carbon (your figure)",
  'factor.lifetime-user': 'GPU lifetime you entered',
  'factor.psu-user': 'Power supply efficiency you entered',
  'factor.psu-user-note': "Set in Settings (your supply's label or review: 80 PLUS Gold is about 90% at half load).",
  'factor.rest-of-system': 'Rest of the PC (not measured by any source)',
  'factor.rest-of-system-note':
    "Your steady figure for the motherboard, memory outside RAPL, disks and fans, counted over the time recorded. The ±{spread}% range is Wattprint's assumption: these parts vary with load.",
  'factor.rest-of-system-wall-note':
    "Worked out from your wall-meter reading: {wallW} W at the wall × {efficiency}% supply efficiency − {measuredW} W measured by Wattprint at that moment = {restW} W. Counted over the time recorded; ±20% is Wattprint's assumption, as these parts vary with load.",
  'factor.psu-loss': 'Power supply loss',
  'factor.psu-loss-note': "What the supply turns into heat: parts' energy × (1 ÷ {efficiency}% − 1). The range follows the efficiency's range.",
  'calibrate.no-live-power': 'No live power reading to compare the wall meter with: calibration needs a source reading now (not the demo).',
  'calibrate.meter-below-parts':
    "The wall meter reads {wallW} W, less than the {partsW} W Wattprint measures on the parts side ({measuredW} W ÷ {efficiency}% efficiency): check the reading, or the supply's efficiency.",
  'factor.water-user': 'Water per kWh of electricity, as you entered it',
  'factor.water-user-note': 'Off-site water consumed to generate your electricity. Set in Settings; Wattprint bundles no verified default.',

  // Telemetry sources: what happened (the tool's own words travel beside, verbatim).
  'source.platform-not-added': 'the whole platform as the CPU sees it (it holds the other parts): shown, never added',
  'source.inside-soc': 'counted in the whole-chip figure (Apple Silicon package, AMD APU socket power), which already holds the CPU cores',
  'source.read-by-other': 'read by {other}, which sees the same device more precisely',
  'source.polling': 'Reading {tool} every {intervalMs} ms.',
  'source.read-failed': 'Reading {tool} failed; it will be tried again.',
  'source.asleep': 'The discrete GPU is asleep (runtime power management): {tool} is not run, so as not to wake it; no reading until it wakes (not zero).',
  'source.found': '{tool} found.',
  'source.nvml-unavailable': 'NVML could not be used (NVML error {code}).',
  'source.found-devices': '{tool}: {count} device(s) found.',
  'source.some-asleep': '{asleep} GPU(s) read by {tool} are asleep and are not woken: no reading for them until they wake (not zero).',
  'source.no-device': '{tool} found no device to read.',
  'source.no-power-reading': '{tool}: {name} reports neither power nor an energy counter.',
  'source.rapl-permission': 'The CPU energy counters ({path}) are readable by root only (Linux restricts them since the PLATYPUS attack, CVE-2020-8694).',
  'source.powermetrics-root': 'powermetrics needs administrator rights, and Wattprint is not run as root: it calls `sudo -n {command}`, which was refused.',
  'fix.nvml-not-installed':
    'NVML (libnvidia-ml.so.1 on Linux, nvml.dll on Windows) comes with the NVIDIA driver. Without an NVIDIA GPU there is nothing for it to read; with one, install the driver. nvidia-smi is used instead when it is found.',
  'fix.amdgpu-driver':
    'Use the amdgpu kernel driver (the open driver shipped with Linux); its hwmon folder under /sys/class/drm/cardN/device/hwmon holds the power readings. Old cards on the radeon driver expose none.',
  'fix.amd-smi-not-installed': "amd-smi and rocm-smi come with ROCm. They are optional: the amdgpu driver's sysfs readings are used without them.",
  'source.not-on-platform': '{tool} does not run on {platform}.',
  'source.starting': 'Starting {tool}…',
  'source.reading': 'Reading {tool} every {intervalMs} ms.',
  'source.stopped': 'Stopped.',
  'source.not-found': '{tool} was not found ({command}).',
  'source.cannot-start': '{tool} could not be started: {error}. Retrying in {retryS} s.',
  'source.hung': '{tool} stopped answering and was restarted. Retrying in {retryS} s.',
  'source.exited': '{tool} exited with code {code}. Retrying in {retryS} s.',
  'source.killed': '{tool} was killed by {signal}. Retrying in {retryS} s.',
  'source.replay-loading': 'Loading {file}…',
  'source.replay-playing': 'Replaying {file} ({readings} readings).',
  'source.replay-finished': 'Replay of {file} finished.',
  'source.replay-empty': '{file} holds no readable samples.',
  'source.replay-failed': 'Cannot replay {file}: {error}',
  'fix.nvidia-permission': 'Your user may not read the GPU. Run Wattprint as a user in the `video` group, or fix the device permissions.',
  'fix.nvidia-no-device':
    'nvidia-smi runs but sees no GPU. Check that the card is seated and powered, that `nvidia-smi -L` lists it, and on a laptop that the discrete GPU is not switched off.',
  'fix.nvidia-version-mismatch': 'The NVIDIA driver was updated but the old one is still loaded: restart the computer.',
  'fix.nvidia-driver':
    'nvidia-smi cannot talk to the NVIDIA driver. Make sure the proprietary driver is installed and loaded (on Linux, `lsmod` lists the nvidia module), then restart the computer.',
  'fix.nvidia-not-installed':
    'nvidia-smi was not found on PATH. It comes with the NVIDIA driver: install the driver for your card (on Windows it lives in C:\\Windows\\System32). Without an NVIDIA GPU, try the demo replay.',

  // Measuring a local model.
  'measure.url-not-a-url': '"{url}" is not a URL (e.g. http://127.0.0.1:11434)',
  'measure.url-not-http': '"{url}" is not an http:// or https:// address',
  'measure.url-not-loopback':
    '"{url}" is not on this machine: Wattprint measures this PC’s GPU, so it only talks to loopback servers (127.0.0.1, localhost) unless you allow a remote one',
  'measure.url-has-credentials': '"{url}" carries a user name or password: give the server’s address alone',
  'measure.busy': 'A measurement is already running: wait for it to finish.',
  'measure.no-power-source': 'No power source is reading on this PC (see Devices): there is nothing to measure the model’s energy with.',
  'measure.server-unreachable': 'The server at {url} does not answer. Is it running, and on that port?',
  'measure.server-timeout': 'The server at {url} took too long to answer.',
  'measure.server-error': 'The server at {url} answered with an error (HTTP {status}).',
  'measure.model-not-found': 'The server at {url} has no model "{model}".',
  'measure.readings-stopped': 'The power readings stopped during the measurement: it was abandoned, nothing was stored.',

  // Storage.
  'storage.ok': 'Saving to the database.',
  'storage.recovered': 'Saving to the database again.',
  'storage.failing':
    'Cannot write to the database: {error}. {pending} readings are kept in memory and will be written when it works again; nothing stored before is lost.',
  'storage.failing-dropped':
    'Cannot write to the database: {error}. {pending} readings are kept in memory and will be written when it works again; nothing stored before is lost. {dropped} oldest readings were dropped.',
  'storage.moved-aside':
    'The database was damaged ({detail}). It was moved to {movedTo}, nothing deleted, and recording goes on in a fresh file. Run `wattprint doctor --db {movedTo}` to salvage its readable rows.',
  'db.none': 'no database at {path}: record or import first',
  'db.cannot-create': 'cannot create {path}: {detail}',
  'db.cannot-open': 'cannot open {path}: {detail}',
  'db.cannot-read': 'cannot read {path}: {detail}',
  'db.not-sqlite': '{path} is not a Wattprint database (not an SQLite file); it was left as it is',
  'db.foreign-marked': "{path} is another program's SQLite database (application_id {applicationId}), not Wattprint's; it was left as it is",
  'db.foreign': "{path} is another program's SQLite database (tables: {tables}; user_version {version}), not Wattprint's; it was left as it is",
  'db.newer-schema': '{path} has schema version {version}, newer than this Wattprint knows ({known}): update Wattprint; the file was left as it is',
  'db.damaged': '{path} is damaged (SQLite quick_check: {detail}); run `wattprint doctor --db {path}` to salvage its readable rows',
  'db.unreadable': '{path} cannot be read ({detail}); it was left as it is',
  'db.read-only': '{path} is read-only; Wattprint will not write to it (it was left as it is)',
  'db.read-only-folder': 'the folder of {path} is read-only, so SQLite cannot keep its journal there; the file was left as it is',
  'db.migration-failed': 'migrating {path} to schema {version} failed: {detail}; nothing was changed',
  'db.salvage-target-exists': '{path} already exists; salvage writes only into a new file',
  'db.salvage-impossible': 'cannot open {path} at all ({detail}): nothing can be salvaged',
  'db.write-failed': 'database error: {detail}',

  // Settings and data packs.
  'settings.unknown': 'unknown setting "{key}" ignored',
  'settings.not-json': 'setting "{key}" is not valid JSON ({value}); using the default',
  'settings.invalid': 'setting "{key}" is invalid ({detail}); using the default',
  'pack.not-json': 'not valid JSON ({detail})',
  'pack.not-newer': 'version {version} is not newer than the data in use ({current})',
  'pack.nothing-to-revert': 'nothing to revert: the bundled data ({version}) is in use',

  // Imports.
  'import.failed': '{file}: {detail}',
  'import.no-header':
    '{file}: header line has no {missing} column (got: "{got}"); the log must come from nvidia-smi --query-gpu=timestamp,...,power.draw,... --format=csv (without noheader)',
  'import.noheader-log':
    '{file}: line 1 is data, not a header: the log was written with --format=csv,noheader, so its columns are unknown; write it again without noheader',
  'import.bad-header-unit': '{file}: column {field} is in "{unit}"; Wattprint reads it in {units}',
  'import.empty': '{file}: the file is empty',

  // Command line.
  'cli.unknown-command': 'unknown command "{command}" (try: {commands})',
  'cli.bad-arguments': '{detail}',
  'cli.unexpected-argument': 'unexpected argument "{argument}"',
  'cli.needs-subcommand': '{command} needs a {what}: {choices} (got "{got}")',
  'cli.needs-argument': '{command} needs {what}',
  'cli.cannot-read-file': 'cannot read {file}: {detail}',
  'cli.file-not-json': '{file}: not valid JSON ({detail})',
  'cli.not-a-count': '"{value}" is not a count (e.g. 175B, 15T, 7e9)',
  'cli.not-a-number': '"{value}" is not a number',
  'cli.not-a-date': '"{value}" is not an ISO 8601 date or time (e.g. 2026-11-29 or 2026-11-29T08:00)',
  'cli.not-a-duration': '"{value}" is not a positive number of seconds',
  'cli.not-a-port': '"{value}" is not a port number',
  'cli.one-of': 'give {a} or {b}, not both',
  'cli.bad-source': '"{value}" is not auto, nvidia-smi or replay:FILE',
  'cli.cannot-listen': 'cannot listen on 127.0.0.1:{port}: {detail}',
  'cli.bad-clock': '{name}: "{value}" is not {what}',
  'cli.no-grid': 'no grid figure for "{value}" (use an ISO 3166-1 alpha-3 code such as FRA, or WORLD)',
  'cli.readings-not-written': '{lost} readings could not be written to {path} ({detail}); the {written} written before are intact',

  // Telemetry parsers: how to fix what a source cannot read (RAPL powercap, macOS powermetrics).
  'fix.rapl-permission':
    'Only root may read the CPU energy counters (energy_uj under /sys/class/powercap) since the fix for CVE-2020-8694. Do not run Wattprint as root: give one group read access instead, and put only trusted users in it (the counters can reveal what other programs do). Paste this in a terminal:\n{commands}\nIt writes {file} with the rule:\n{rule}\nThen log out and back in (or restart) so that your user joins the {group} group.',
  'fix.rapl-no-zones':
    'No RAPL power zones under /sys/class/powercap. Load the driver (sudo modprobe intel_rapl_msr, for Intel and AMD CPUs); a virtual machine or an old CPU may not expose RAPL at all, and CPU energy is then not measured.',
  'fix.powermetrics-root':
    'powermetrics only runs as an administrator (root), and Wattprint never runs as root. Either install macmon (brew install macmon), which reads the same power figures without administrator rights, or allow this one command without a password: run sudo visudo -f {file} and add the line:\n{rule}\nWattprint then runs {command}',
} as const

export type MessageCode = keyof typeof MESSAGES_EN
