import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { AI_APP_IDS, APP_IDS, classifyProcess, type AppId, type ProcessIdentity } from './apps.ts'
import { FIXTURES, readFixture } from '../../test/helpers.ts'
import { parsePmon } from '../telemetry/parsers/nvidia-smi-processes.parse.ts'

type Case = [expected: AppId, name: string, commandLine: string | null, type: ProcessIdentity['type']]

const BLOB = '/usr/share/ollama/.ollama/models/blobs/sha256-6a0746a1ec1aef3e7ec53868f220ff6e389f6f8ef87a01d77c96807de94ca2aa'

// Names as pmon prints them (cut at 15 or 16 characters) or as compute-apps gives them (paths);
// command lines as /proc/PID/cmdline reads, arguments joined by spaces. Written from each app's
// documented launch commands and install folders. LM Studio's and Jan's engine processes are not
// documented: those cases follow where the apps keep their llama.cpp backends.
const CASES: Case[] = [
  // Ollama
  ['ollama', 'ollama', '/usr/local/bin/ollama serve', 'compute'],
  [
    'ollama',
    'ollama_llama_se',
    `/usr/lib/ollama/runners/cuda_v12/ollama_llama_server --model ${BLOB} --ctx-size 8192 --batch-size 512 --n-gpu-layers 33 --threads 8 --no-mmap --parallel 4 --port 40873`,
    'compute',
  ],
  ['ollama', '/usr/lib/ollama/runners/cuda_v12/ollama_llama_server', null, 'compute'],
  [
    'ollama',
    'ollama',
    `/usr/local/bin/ollama runner --ollama-engine --model ${BLOB} --ctx-size 4096 --batch-size 512 --n-gpu-layers 49 --threads 16 --parallel 1 --port 39421`,
    'compute',
  ],
  ['ollama', 'ollama.exe', null, 'compute+graphics'],
  ['ollama', 'ollama_llama_ser', null, 'compute+graphics'],
  ['ollama', 'C:\\Users\\ana\\AppData\\Local\\Programs\\Ollama\\lib\\ollama\\runners\\cuda_v12_avx\\ollama_llama_server.exe', null, 'compute'],
  ['ollama', '/Applications/Ollama.app/Contents/Resources/ollama', null, 'compute'],
  [
    'ollama',
    'ollama_llama_se',
    '/tmp/ollama2203452977/runners/cuda_v11/ollama_llama_server --model /root/.ollama/models/blobs/sha256-8eeb52df --port 41231',
    'compute',
  ],
  // llama.cpp
  [
    'llama.cpp',
    'llama-server',
    '/home/ana/src/llama.cpp/build/bin/llama-server -m /home/ana/models/Qwen2.5-7B-Instruct-Q4_K_M.gguf -ngl 99 -c 8192 --host 0.0.0.0 --port 8080',
    'compute',
  ],
  ['llama.cpp', 'llama-cli', './llama-cli -m models/gemma-3-4b-it-Q4_K_M.gguf -p "Tell me a story" -n 128 -ngl 35', 'compute'],
  [
    'llama.cpp',
    'python3',
    '/home/ana/venv/bin/python3 -m llama_cpp.server --model /home/ana/models/mistral-7b-instruct-v0.2.Q4_K_M.gguf --n_gpu_layers -1',
    'compute',
  ],
  ['llama.cpp', 'server', './server -m models/llama-2-13b-chat.Q5_K_M.gguf -c 4096 -ngl 43 --port 8080', 'compute'],
  ['llama.cpp', 'main', './main -m ./models/7B/ggml-model-q4_0.gguf -n 128 -ngl 32 -p "Building a website can be done in 10 simple steps:"', 'compute'],
  ['llama.cpp', 'C:\\llama\\llama-b5000-bin-win-cuda-cu12.4-x64\\llama-server.exe', null, 'compute'],
  ['llama.cpp', 'llama-server', '/home/jan/llama.cpp/build/bin/llama-server -m /home/jan/models/phi-4-Q4_K_M.gguf -ngl 99', 'compute'],
  [
    'llama.cpp',
    'llama-server',
    '/usr/local/bin/llama-server -m /home/ana/.lmstudio/models/lmstudio-community/Meta-Llama-3.1-8B-Instruct-GGUF/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -ngl 99',
    'compute',
  ],
  ['llama.cpp', 'llama-server', `llama-server -m ${BLOB} -ngl 40 --port 8081`, 'compute'],
  [
    'llama.cpp',
    'koboldcpp-linux',
    './koboldcpp-linux-x64-cuda1210 --model /home/ana/models/L3-8B-Stheno-v3.2-Q4_K_M.gguf --usecublas --gpulayers 33',
    'compute',
  ],
  ['llama.cpp', 'llava-v1.5-7b-q4', '/home/ana/llava-v1.5-7b-q4.llamafile --gpu nvidia -ngl 999', 'compute'],
  ['llama.cpp', 'rpc-server', '/home/ana/llama.cpp/build/bin/rpc-server -p 50052', 'compute'],
  // LM Studio
  ['lm-studio', 'LM Studio.exe', null, 'compute+graphics'],
  ['lm-studio', 'LM Studio Helpe', null, 'graphics'],
  [
    'lm-studio',
    'lm-studio --typ',
    '/tmp/.mount_LM-StuQxZb1k/lm-studio --type=gpu-process --enable-crash-reporter=b1e2,no_channel --gpu-preferences=WAAAAAAAAAAgAAAI',
    'graphics',
  ],
  ['lm-studio', '/home/ana/.lmstudio/extensions/backends/llama.cpp-linux-x86_64-nvidia-cuda12-avx2-1.29.0/llama-server', null, 'compute'],
  [
    'lm-studio',
    'llama-server',
    '/home/ana/.cache/lm-studio/extensions/backends/llama.cpp-linux-x86_64-nvidia-cuda-avx2-1.14.0/llama-server --port 41345',
    'compute',
  ],
  ['lm-studio', 'lms', '/home/ana/.lmstudio/bin/lms server start', 'compute'],
  ['lm-studio', '/Applications/LM Studio.app/Contents/MacOS/LM Studio', null, 'compute'],
  ['lm-studio', 'C:\\Users\\ana\\AppData\\Local\\Programs\\LM Studio\\LM Studio.exe', null, 'compute+graphics'],
  ['lm-studio', 'LM Studio', '/Applications/LM Studio.app/Contents/MacOS/LM Studio --type=gpu-process', 'graphics'],
  // vLLM
  [
    'vllm',
    'python3',
    '/usr/bin/python3 -m vllm.entrypoints.openai.api_server --model meta-llama/Llama-3.1-8B-Instruct --tensor-parallel-size 1 --gpu-memory-utilization 0.9',
    'compute',
  ],
  ['vllm', 'vllm', '/home/ana/.venv/bin/python3 /home/ana/.venv/bin/vllm serve Qwen/Qwen2.5-7B-Instruct --max-model-len 8192', 'compute'],
  ['vllm', 'python3', '/home/ana/.venv/bin/python3 /home/ana/.venv/bin/vllm serve Qwen/Qwen2.5-7B-Instruct', 'compute'],
  ['vllm', 'VLLM::EngineCor', 'VLLM::EngineCore', 'compute'],
  ['vllm', 'VLLM::Worker_TP', 'VLLM::Worker_TP1', 'compute'],
  ['vllm', 'python', `python -c "from vllm import LLM; LLM('facebook/opt-125m').generate('Hello')"`, 'compute'],
  // ComfyUI
  ['comfyui', 'python', '/home/ana/ComfyUI/venv/bin/python main.py --listen 0.0.0.0 --port 8188', 'compute'],
  ['comfyui', 'D:\\ComfyUI_windows_portable\\python_embeded\\python.exe', null, 'compute'],
  ['comfyui', 'python.exe', '.\\python_embeded\\python.exe -s ComfyUI\\main.py --windows-standalone-build', 'compute'],
  ['comfyui', 'ComfyUI.exe', null, 'compute+graphics'],
  ['comfyui', 'python3', 'python3 main.py --preview-method auto --use-sage-attention', 'compute'],
  ['comfyui', 'python3', '/usr/bin/python3 /home/ana/comfy/ComfyUI/main.py --highvram', 'compute'],
  // AUTOMATIC1111, Forge, reForge, SD.Next
  ['sd-webui', 'python3', '/home/ana/stable-diffusion-webui/venv/bin/python3 -u launch.py --xformers --medvram', 'compute'],
  ['sd-webui', 'python', 'python webui.py --listen --api', 'compute'],
  ['sd-webui', 'C:\\webui_forge_cu121_torch231\\system\\python\\python.exe', null, 'compute'],
  ['sd-webui', 'python', '/home/ana/sdnext/venv/bin/python launch.py --use-cuda --listen', 'compute'],
  ['sd-webui', 'python3', '/home/ana/stable-diffusion-webui-reForge/venv/bin/python3 launch.py', 'compute'],
  ['sd-webui', 'cmd.exe', 'C:\\Windows\\system32\\cmd.exe /c webui-user.bat', 'compute+graphics'],
  // text-generation-webui
  ['text-generation-webui', 'python', '/home/ana/text-generation-webui/installer_files/env/bin/python server.py --listen --api', 'compute'],
  [
    'text-generation-webui',
    'llama-server',
    '/home/ana/text-generation-webui/installer_files/env/lib/python3.11/site-packages/llama_cpp_binaries/bin/llama-server --model user_data/models/Qwen3-8B-Q4_K_M.gguf --ctx-size 8192 --gpu-layers 37 --port 36215',
    'compute',
  ],
  ['text-generation-webui', 'python3', 'python3 server.py --loader exllamav2 --model TheBloke_Llama-2-13B-GPTQ', 'compute'],
  // Jan
  ['jan', 'Jan.exe', null, 'compute+graphics'],
  ['jan', 'cortex-llamacpp', '/home/ana/jan/engines/cortex.llamacpp/cortex-llamacpp --port 3928', 'compute'],
  [
    'jan',
    'llama-server',
    '/home/ana/.local/share/Jan/data/llamacpp/backends/b5857/linux-avx2-cuda-cu12.0-x64/build/bin/llama-server --model /home/ana/.local/share/Jan/data/llamacpp/models/Qwen3-4B/model.gguf --port 3768 -ngl 100',
    'compute',
  ],
  ['jan', 'C:\\Users\\ana\\AppData\\Roaming\\Jan\\data\\llamacpp\\backends\\b5857\\win-avx2-cuda-cu12.0-x64\\build\\bin\\llama-server.exe', null, 'compute'],
  ['jan', 'cortex-server', '/usr/bin/cortex-server --config_file_path /home/ana/.cortexrc', 'compute'],
  // GPT4All
  ['gpt4all', 'chat', '/home/ana/gpt4all/bin/chat', 'compute+graphics'],
  ['gpt4all', 'C:\\Users\\ana\\gpt4all\\bin\\chat.exe', null, 'compute'],
  ['gpt4all', '/Applications/gpt4all/bin/gpt4all.app/Contents/MacOS/gpt4all', null, 'compute'],
  ['gpt4all', 'python3', `python3 -c "from gpt4all import GPT4All; GPT4All('Meta-Llama-3-8B-Instruct.Q4_0.gguf', device='cuda')"`, 'compute'],
  // PyTorch and the Python ML stack
  ['pytorch', 'python3', '/usr/bin/python3 train.py --config configs/llama-lora.yaml', 'compute'],
  ['pytorch', 'python', '/opt/conda/bin/python -m torch.distributed.run --nproc_per_node=2 finetune.py', 'compute'],
  ['pytorch', 'torchrun', '/opt/conda/bin/python /opt/conda/bin/torchrun --nproc_per_node 8 train_gpt2.py', 'compute'],
  [
    'pytorch',
    'accelerate',
    '/home/ana/kohya_ss/venv/bin/python /home/ana/kohya_ss/venv/bin/accelerate launch --num_cpu_threads_per_process=2 sdxl_train_network.py',
    'compute',
  ],
  ['pytorch', 'python', `python -c "import torch; print(torch.cuda.is_available())"`, 'compute'],
  ['pytorch', 'python3', '/home/ana/.venv/bin/python3 -m ipykernel_launcher -f /home/ana/.local/share/jupyter/runtime/kernel-6c0e.json', 'compute'],
  ['pytorch', 'python3.11', 'python3.11 run_whisper.py --model openai/whisper-large-v3 --lib transformers', 'compute'],
  // Not an AI app
  ['other', 'python3', null, 'compute'],
  ['other', 'python.exe', null, 'compute+graphics'],
  ['other', 'python3', 'python3 /opt/tools/gpu_check.py', 'compute'],
  ['other', 'python3', 'python3 /srv/app/constraint_solver.py --pretrained-cache /srv/cache', 'compute'],
  ['other', 'python', 'python main.py', 'compute'],
  ['other', 'server', '/opt/app/server --port 9000', 'compute'],
  ['other', 'chat', '/usr/bin/chat', 'compute'],
  ['other', 'ffmpeg', 'ffmpeg -hwaccel cuda -i in.mp4 -c:v h264_nvenc out.mp4', 'compute'],
  ['other', './gpu_burn', null, 'compute'],
  ['other', 'kwin_wayland', '/usr/bin/kwin_wayland --wayland-fd 7 --socket wayland-0', 'compute+graphics'],
  ['other', 'Cyberpunk2077.ex', null, 'compute+graphics'],
  ['other', '', null, null],
  ['other', 'Cortex XDR.exe', null, 'compute+graphics'],
  ['games-graphics', 'Xorg', '/usr/lib/xorg/Xorg vt2 -displayfd 3 -auth /run/user/1000/gdm/Xauthority', 'graphics'],
  ['games-graphics', 'gnome-shell', null, 'graphics'],
  ['games-graphics', 'chrome --type=g', 'chrome --type=gpu-process --field-trial-handle=3', 'graphics'],
  ['games-graphics', 'Cyberpunk2077.e', 'Z:\\home\\ana\\.steam\\steamapps\\common\\Cyberpunk 2077\\bin\\x64\\Cyberpunk2077.exe', 'graphics'],
]

describe('classifyProcess', () => {
  it('has a realistic case for every app', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40)
    expect(new Set(CASES.map(([app]) => app))).toEqual(new Set(APP_IDS))
  })

  it.each(CASES)('→ %s: %j, %j (%s)', (expected, name, commandLine, type) => {
    expect(classifyProcess({ name, commandLine, type })).toBe(expected)
  })

  it.each(CASES)('ignores case: %s for %j', (expected, name, commandLine, type) => {
    expect(classifyProcess({ name: name.toUpperCase(), commandLine: commandLine?.toUpperCase() ?? null, type })).toBe(expected)
  })

  it('lists the ids in order, the AI apps without other and games-graphics', () => {
    expect(APP_IDS).toEqual([
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
    ])
    expect(AI_APP_IDS).toEqual(APP_IDS.slice(0, 10))
  })

  it('finds no AI app among the processes of the real captures (desktops, ffmpeg, gpu_burn, memhog)', () => {
    const captures = readdirSync(join(FIXTURES, 'nvidia')).filter((f) => f.endsWith('.txt'))
    const seen = new Map<string, AppId>()
    for (const file of captures) {
      const text = readFixture('nvidia', file)
      for (const m of text.matchAll(/^# (?:idle|load) :: pmon .*\n.*\n#+\n([\s\S]*?)\n#{20,}/gm)) {
        for (const row of parsePmon(m[1] ?? '').rows)
          seen.set(`${row.name} ${row.type}`, classifyProcess({ name: row.name, commandLine: null, type: row.type }))
      }
    }
    expect(seen.size).toBeGreaterThan(20)
    expect([...seen.values()].filter((app) => AI_APP_IDS.includes(app))).toEqual([])
    expect(seen.get('gnome-shell graphics')).toBe('games-graphics')
    expect(seen.get('ffmpeg.exe compute')).toBe('other')
  })

  it('never throws and always answers one of APP_IDS, whatever it is given', () => {
    const pieces = fc.constantFrom(
      'ollama',
      'llama-server',
      '.lmstudio/',
      'LM Studio',
      'python3',
      '-m',
      '-c',
      'vllm',
      'ComfyUI/',
      'main.py',
      '.gguf',
      '\\',
      '/',
      '.exe',
      ' ',
      '"',
      "'",
      '-',
    )
    const text = fc.oneof(
      fc.string(),
      fc.array(pieces).map((p) => p.join('')),
      fc.string({ unit: 'binary' }),
    )
    fc.assert(
      fc.property(text, fc.option(text), fc.constantFrom('compute', 'graphics', 'compute+graphics', null), (name, commandLine, type) => {
        expect(APP_IDS).toContain(classifyProcess({ name, commandLine, type }))
      }),
      { numRuns: 1000 },
    )
  })
})
