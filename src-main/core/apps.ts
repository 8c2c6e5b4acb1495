/** The apps a GPU process is put down to. `other` and `games-graphics` are "not an AI app we know". */
export type AppId =
  'ollama' | 'llama.cpp' | 'lm-studio' | 'vllm' | 'comfyui' | 'sd-webui' | 'text-generation-webui' | 'jan' | 'gpt4all' | 'pytorch' | 'other' | 'games-graphics'

export const APP_IDS: readonly AppId[] = [
  'ollama',
  'llama.cpp',
  'lm-studio',
  'vllm',
  'comfyui',
  'sd-webui',
  'text-generation-webui',
  'jan',
  'gpt4all',
  'pytorch',
  'other',
  'games-graphics',
]

/** The AI apps: every id but `other` and `games-graphics`. */
export const AI_APP_IDS: readonly AppId[] = APP_IDS.filter((id) => id !== 'other' && id !== 'games-graphics')

/** A GPU process as the listings give it (nvidia-smi's name, /proc's command line when readable). */
export interface ProcessIdentity {
  /** pmon's name (cut at 15 or 16 characters) or compute-apps' path; '' when unknown. */
  name: string
  /** The arguments joined by spaces; null where it cannot be read (Windows, macOS, another user's process). */
  commandLine: string | null
  type: 'compute' | 'graphics' | 'compute+graphics' | null
}

/** What the rules look at, all lower case with `/` for every path separator. */
interface Facts {
  /** Paths of the program: the name, and the command line's first word. */
  programs: string[]
  /** Base names of those programs, without `.exe`. */
  exes: string[]
  /** The name's base when it may have been cut by pmon (15 or 16 characters), `.exe` kept. */
  cut: string | null
  interpreter: boolean
  /** For an interpreter: the script it runs, the module of `-m`, the code of `-c`. */
  script: string | null
  module: string | null
  code: string | null
  /** The whole command line; '' when unknown. */
  commandLine: string
}

/** pmon cuts names at 15 characters (driver 610.62, 595) or 16 (591.86): such a name may be a prefix. */
const CUT_NAME_CHARS = [15, 16]
const PYTHON = /^(python|pythonw|py)(\d+(\.\d+)?)?$/

function lower(text: string): string {
  return text.toLowerCase().replace(/\\/g, '/')
}

function baseOf(path: string): string {
  return (path.split('/').pop() ?? '').trim()
}

/** Words of a command line; quoted words (Windows, a `-c "…"`) kept whole. */
function words(commandLine: string): string[] {
  return [...commandLine.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '')
}

/**
 * The program of a command line. /proc joins arguments with spaces, so a path with spaces is cut
 * into words: for a macOS bundle or a Windows drive path, take it up to the first option.
 */
function programOf(commandLine: string): string {
  const spaced = /^(\/applications\/.*?\.app\/contents\/macos\/.*?|[a-z]:\/.*?\.exe)(?=\s+-|\s*$)/.exec(commandLine)
  return spaced?.[1] ?? words(commandLine)[0] ?? ''
}

function factsOf(p: ProcessIdentity): Facts {
  const name = lower(p.name).trim()
  const commandLine = lower(p.commandLine ?? '').trim()
  // A process that rewrites its title (Chromium, Electron) shows as `lm-studio --type=gpu-process`.
  const nameProgram = name.split(/\s+--?[a-z]/)[0]?.trim() ?? ''
  const programs = [nameProgram, programOf(commandLine)].filter((s) => s !== '')
  const exes = [...new Set(programs.map((program) => baseOf(program).replace(/\.exe$/, '')))].filter((e) => e !== '')
  const nameBase = baseOf(nameProgram)
  const interpreter = exes.some((e) => PYTHON.test(e))

  let script: string | null = null
  let module: string | null = null
  let code: string | null = null
  if (interpreter) {
    const args = words(commandLine).slice(1)
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] ?? ''
      if (arg === '-m') module = args[i + 1] ?? null
      else if (arg === '-c') code = args.slice(i + 1).join(' ')
      else if (arg === '-x' || arg === '-w') {
        i++
        continue
      } else if (arg.startsWith('-')) continue
      else script = arg
      break
    }
  }
  return {
    programs,
    exes,
    cut: CUT_NAME_CHARS.includes(nameBase.length) ? nameBase : null,
    interpreter,
    script,
    module,
    code,
    commandLine,
  }
}

/** The program is one of `names` (without `.exe`), or a name pmon cut from one of them. */
function isExe(f: Facts, names: readonly string[]): boolean {
  if (names.some((n) => f.exes.includes(n))) return true
  const cut = f.cut
  return cut !== null && names.some((n) => n.startsWith(cut) || `${n}.exe`.startsWith(cut))
}

/** The program, or the script an interpreter runs, lives in a folder matching `place`. */
function livesIn(f: Facts, place: RegExp): boolean {
  return [...f.programs, f.script ?? ''].some((path) => place.test(path))
}

function scriptIs(f: Facts, names: readonly string[]): boolean {
  return f.script !== null && names.includes(baseOf(f.script))
}

// Folders each app installs to or runs from (lower case, `/`). A folder says whose a binary is
// even when its name is generic (`llama-server`, `python`, `chat`).
const LM_STUDIO_PLACES = /(^|\/)(\.lmstudio|\.cache\/lm-studio|lm studio\.app|lm studio|lm-studio|\.mount_lm-stu[^/]*)\//
const JAN_PLACES = /(^|\/)(jan\/data\/(llamacpp|engines)|jan\/engines|jan\.app|programs\/jan|cortex\.llamacpp)\//
const OLLAMA_PLACES = /(^|\/)(lib\/ollama|ollama\d*\/runners|ollama\.app|programs\/ollama)\//
const GPT4ALL_PLACES = /(^|\/)gpt4all[^/]*\//
const TGW_PLACES = /(^|\/)text-generation-webui[^/]*\//
const COMFYUI_PLACES = /(^|\/)comfyui[^/]*\//
const SD_WEBUI_PLACES = /(^|\/)(stable-diffusion-webui[^/]*|sd\.next|sdnext|webui_forge[^/]*|automatic1111[^/]*)\//
const LLAMA_CPP_PLACES = /(^|\/)llama\.cpp[^/]*\//

// Options only one app takes, for when the script's name alone (`main.py`, `launch.py`, `server.py`) is too common.
const COMFYUI_OPTIONS =
  /\s--(preview-method|use-sage-attention|use-pytorch-cross-attention|use-split-cross-attention|highvram|normalvram|gpu-only|disable-auto-launch|front-end-version|enable-cors-header|extra-model-paths-config|cuda-malloc|disable-xformers|windows-standalone-build)\b/
const SD_WEBUI_OPTIONS =
  /\s--(xformers|medvram|medvram-sdxl|lowvram|no-half-vae|no-half|opt-sdp-attention|skip-torch-cuda-test|enable-insecure-extension-access|api|ckpt|ckpt-dir|use-cuda|use-rocm|use-zluda|use-directml|use-ipex)\b/
const TGW_OPTIONS = /\s--(loader|model-menu|chat-buttons)\b/
/** A model file in llama.cpp's format given to `-m` / `--model`. */
const GGUF_MODEL = /(^|\s)(-m|--model)\s+\S+\.gguf\b/
/** Words of a Python ML job: its libraries, its launchers, training, notebooks (left edge: `retrain`, `pytorch_model` do not count twice). */
const ML_WORDS =
  /(^|[^a-z])(torch|pytorch|transformers|diffusers|accelerate|deepspeed|unsloth|axolotl|lightning|xformers|sentence_transformers|train|finetune|fine_tune|fine-tune|ipykernel)|(^|[^a-z])(peft|trl|lora)([^a-z]|$)/

interface Rule {
  app: AppId
  test: (f: Facts) => boolean
}

/**
 * In order; the first that holds names the app. Apps that ship their own llama.cpp (LM Studio,
 * Jan, Ollama, GPT4All, text-generation-webui) come before llama.cpp, so their bundled
 * `llama-server` is theirs; where a binary lives decides, never a model path in the arguments
 * (a stock llama-server may load a model from LM Studio's or Ollama's folder).
 */
const RULES: readonly Rule[] = [
  // LM Studio: the Electron app and its helpers (macOS `LM Studio Helper (GPU)`, Linux
  // `lm-studio --type=gpu-process`), its `lms` CLI, and the engines it keeps in ~/.lmstudio
  // (formerly ~/.cache/lm-studio), which are llama.cpp builds.
  {
    app: 'lm-studio',
    test: (f) =>
      isExe(f, ['lm studio', 'lm-studio', 'lmstudio', 'lm studio helper', 'lm studio helper (gpu)', 'lm studio helper (renderer)', 'lms']) ||
      livesIn(f, LM_STUDIO_PLACES),
  },
  // Jan: the app (`Jan`, `jan.exe`), its former engine server Cortex (`cortex`,
  // `cortex-llamacpp`), and since 0.6 a stock llama-server kept in Jan's data folder.
  {
    app: 'jan',
    test: (f) =>
      isExe(f, ['jan', 'jan helper', 'jan helper (gpu)', 'cortex', 'cortex-server', 'cortex-llamacpp', 'cortex-beta', 'cortex-nightly']) ||
      livesIn(f, JAN_PLACES),
  },
  // Ollama: the server and `ollama runner` (one binary), the former llama.cpp-based
  // `ollama_llama_server` runners (pmon: `ollama_llama_se`), the Windows tray app.
  { app: 'ollama', test: (f) => isExe(f, ['ollama', 'ollama_llama_server', 'ollama app']) || livesIn(f, OLLAMA_PLACES) },
  // GPT4All: runs models inside its `chat` (now `gpt4all`) binary; `chat` alone is too common a
  // name, so it counts only in GPT4All's folder. The Python bindings count by module or script.
  {
    app: 'gpt4all',
    test: (f) => isExe(f, ['gpt4all']) || livesIn(f, GPT4ALL_PLACES) || /^gpt4all\b/.test(f.module ?? '') || /\bgpt4all\b/.test(f.code ?? ''),
  },
  // oobabooga's text-generation-webui: `python server.py` from its folder (its one-click
  // installer's Python is inside it), and the llama-server it runs from its own environment.
  { app: 'text-generation-webui', test: (f) => livesIn(f, TGW_PLACES) || (scriptIs(f, ['server.py', 'one_click.py']) && TGW_OPTIONS.test(f.commandLine)) },
  // ComfyUI: the desktop app (`ComfyUI.exe`), `main.py` in a ComfyUI folder (portable builds:
  // `python_embeded\python.exe -s ComfyUI\main.py`), or `main.py` with options only ComfyUI has.
  { app: 'comfyui', test: (f) => isExe(f, ['comfyui']) || livesIn(f, COMFYUI_PLACES) || (scriptIs(f, ['main.py']) && COMFYUI_OPTIONS.test(f.commandLine)) },
  // AUTOMATIC1111 and its forks (Forge, reForge, SD.Next): `launch.py`/`webui.py` in their
  // folder, or with options only they take; their `webui-user.bat` / `webui.sh` launchers.
  {
    app: 'sd-webui',
    test: (f) =>
      livesIn(f, SD_WEBUI_PLACES) ||
      /(^|[\s/])webui(-user)?\.(bat|sh)\b/.test(f.commandLine) ||
      (scriptIs(f, ['launch.py', 'webui.py']) && SD_WEBUI_OPTIONS.test(f.commandLine)),
  },
  // vLLM: `vllm serve` (a Python console script), `python -m vllm.entrypoints…`, and the
  // processes it renames itself (`VLLM::EngineCore`, `VLLM::Worker_TP0`, `VllmWorkerProcess`).
  {
    app: 'vllm',
    test: (f) => f.exes.some((e) => e.startsWith('vllm')) || scriptIs(f, ['vllm']) || /^vllm\b/.test(f.module ?? '') || /\bvllm\b/.test(f.code ?? ''),
  },
  // llama.cpp: its `llama-*` tools, llamafile and KoboldCpp (llama.cpp builds), any binary in a
  // llama.cpp checkout, llama-cpp-python, and the old `main` / `server` names, which are too
  // common to count without a .gguf model.
  {
    app: 'llama.cpp',
    test: (f) =>
      f.exes.some((e) => /^llama-[a-z0-9_.-]+$/.test(e) || e === 'llamafile' || e.endsWith('.llamafile') || e.startsWith('koboldcpp')) ||
      livesIn(f, LLAMA_CPP_PLACES) ||
      /^llama_cpp\b/.test(f.module ?? '') ||
      /\bllama_cpp\b/.test(f.code ?? '') ||
      (isExe(f, ['main', 'server']) && GGUF_MODEL.test(f.commandLine)),
  },
  // PyTorch (and the Python ML stack around it): its launchers, or a Python whose command line
  // names an ML library, a training or fine-tuning script, or a notebook kernel. A Python whose
  // command line is unknown or names none of these stays `other`: GPU Python may be CuPy,
  // Numba, a renderer's scripting…, and an unknown is never guessed.
  {
    app: 'pytorch',
    test: (f) =>
      isExe(f, ['torchrun', 'accelerate', 'deepspeed']) ||
      scriptIs(f, ['torchrun', 'accelerate', 'deepspeed']) ||
      (f.interpreter && ML_WORDS.test(f.commandLine)),
  },
]

/**
 * Which app a GPU process belongs to, from its name and command line (case-insensitive; Linux,
 * Windows and macOS paths). Not an AI app: a graphics-only process (type `graphics`: a desktop,
 * a game) is `games-graphics`, anything else `other`. Windows (WDDM) marks nearly every process
 * `compute+graphics`, so only `graphics` is taken as graphics-only. Never throws.
 */
export function classifyProcess(p: ProcessIdentity): AppId {
  const facts = factsOf(p)
  for (const rule of RULES) if (rule.test(facts)) return rule.app
  return p.type === 'graphics' ? 'games-graphics' : 'other'
}
